(import "etcd.libsonnet") +
(import "etcd-grafana7x.libsonnet")
