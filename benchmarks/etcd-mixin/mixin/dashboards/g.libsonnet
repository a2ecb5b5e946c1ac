import 'github.com/grafana/grafonnet/gen/grafonnet-v10.0.0/main.libsonnet'
