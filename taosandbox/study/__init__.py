"""Studies: many seeded runs of the whole world over a grid of settings, on Dask, into one tidy table.

``spec`` reads study files, ``runner`` runs one (grid point, seed), ``measures`` says what is measured,
``execute`` schedules the runs, ``table`` writes the results, ``summary`` and ``plot`` read them back.
Nothing here imports Dask, pandas or matplotlib at import time: only the command that needs them does.
"""
