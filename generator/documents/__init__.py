"""The documents several targets share, as plain data ready to serialise: a rule file's groups,
a scrape config's jobs, a dashboard's JSON. Targets compose them (the operator's PrometheusRule
wraps the rule file, the provisioning ConfigMap holds the dashboard) and never import each
other."""
