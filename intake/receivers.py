"""What intake does when something else happens (connected in ``IntakeConfig.ready``)."""
