job "hello-web" {
  type        = "service"
  datacenters = ["eu-west-1a", "eu-west-1b", "eu-west-1c"]
  node_pool   = "web"
  meta = {
    team          = "platform"
    "cost.center" = "42"
  }

  constraint {
    attribute = "$${attr.kernel.name}"
    operator  = "="
    value     = "linux"
  }

  update {
    max_parallel      = 1
    min_healthy_time  = "10s"
    healthy_deadline  = "5m"
    progress_deadline = "10m"
    auto_revert       = true
  }

  group "hello-web" {
    count          = 3
    shutdown_delay = "5s"

    constraint {
      operator = "distinct_hosts"
      value    = "true"
    }

    restart {
      interval = "30m"
      attempts = 2
      delay    = "15s"
      mode     = "fail"
    }

    network {
      port "http" {
        to = 8080
      }
    }

    service {
      name     = "hello-web"
      tags     = ["traefik.enable=true", "traefik.http.routers.hello.rule=PathPrefix(`/`)"]
      port     = "http"
      provider = "nomad"

      check {
        type     = "http"
        path     = "/health"
        interval = "10s"
        timeout  = "2s"
      }
    }

    task "hello-web" {
      driver       = "docker"
      kill_timeout = "30s"

      config {
        image = "ghcr.io/acme/hello-world-app:1.4.2"
        ports = ["http"]
      }

      env {
        LOG_LEVEL = "info"
        INSTANCE  = "$${NOMAD_ALLOC_ID}"
      }

      resources {
        cpu    = 250
        memory = 256
      }
    }
  }
}
