"""MLflow's tracking REST API (``/api/2.0/mlflow/...``) over a Cairn store, so MLflow clients and
their autologging log into Cairn: ``mlflow.set_tracking_uri("http://host:port")``."""
