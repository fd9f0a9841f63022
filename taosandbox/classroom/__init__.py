"""The classroom: one shared world for a whole class (docs/classroom.md).

``classroom`` holds the class (seats, clock, the world, saves, results) with no network; ``protocol`` the
versioned JSON messages; ``codec`` snapshots as JSON; ``server`` the WebSocket server around a class;
``client`` the async client the game, the teacher's console, the tests and the benchmark use.
"""
