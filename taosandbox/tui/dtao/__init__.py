"""The dynamic-TAO game: the Subnets screen over a ``DtaoWorld`` (``taosandbox dtao --play``)."""
