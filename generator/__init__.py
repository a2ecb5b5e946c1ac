"""kgen: monitoring config-as-code."""
