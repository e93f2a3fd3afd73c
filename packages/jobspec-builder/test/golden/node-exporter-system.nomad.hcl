job "node-exporter" {
  type        = "system"
  datacenters = ["*"]

  update {
    max_parallel     = 2
    min_healthy_time = "10s"
    healthy_deadline = "2m"
  }

  group "exporter" {
    network {
      port "metrics" {
        static = 9100
      }
    }

    service {
      name     = "node-exporter"
      tags     = ["prometheus"]
      port     = "metrics"
      provider = "nomad"
    }

    task "node-exporter" {
      driver = "docker"

      config {
        image        = "quay.io/prometheus/node-exporter:v1.8.2"
        network_mode = "host"
        pid_mode     = "host"
        args         = ["--path.rootfs=/host"]
        volumes      = ["/:/host:ro,rslave"]
      }

      resources {
        cpu    = 100
        memory = 64
      }
    }
  }
}
