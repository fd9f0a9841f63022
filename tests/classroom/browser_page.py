"""What a test or a benchmark needs to read a class page in a real browser: xterm draws on a canvas, so an
init script records the terminal output arriving on the page's WebSocket (``window.__screen``) and counts
the frames (``window.__frames``). Used by test_browser.py and benchmarks/bench_classroom_tabs.py."""

RECORD_OUTPUT = """
(() => {
  const Native = window.WebSocket;
  window.__screen = "";
  window.__frames = 0;
  const decoder = new TextDecoder();
  function Recording(url, protocols) {
    const ws = protocols === undefined ? new Native(url) : new Native(url, protocols);
    ws.addEventListener("message", async (event) => {
      let data = event.data;
      if (data instanceof Blob) data = await data.arrayBuffer();
      const text = typeof data === "string" ? data : decoder.decode(data);
      window.__screen = (window.__screen + text).slice(-400000);
      window.__frames += 1;
    });
    return ws;
  }
  Recording.prototype = Native.prototype;
  for (const k of ["CONNECTING", "OPEN", "CLOSING", "CLOSED"]) Recording[k] = Native[k];
  window.WebSocket = Recording;
})();
"""
