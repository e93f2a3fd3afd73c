variable "image" {
  type        = string
  description = "Container image built from packages/hello-world-app/Dockerfile"
  default     = "hello-world-app:local"
}

variable "node_pool" {
  type        = string
  description = "Nomad node pool the instances run in"
  default     = "default"
}

job "hello-world" {
  type        = "service"
  datacenters = ["*"]
  node_pool   = var.node_pool

  group "hello-world" {
    count          = 3
    shutdown_delay = "10s"

    spread {
      attribute = "$${node.unique.id}"
      weight    = 100
    }

    restart {
      interval = "5m"
      attempts = 2
      delay    = "5s"
      mode     = "fail"
    }

    reschedule {
      delay          = "15s"
      delay_function = "exponential"
      max_delay      = "5m"
      unlimited      = true
    }

    update {
      max_parallel      = 1
      health_check      = "checks"
      min_healthy_time  = "10s"
      healthy_deadline  = "2m"
      progress_deadline = "10m"
      canary            = 1
      auto_revert       = true
      auto_promote      = true
    }

    migrate {
      max_parallel     = 1
      health_check     = "checks"
      min_healthy_time = "10s"
      healthy_deadline = "2m"
    }

    network {
      port "http" {
        to = 8080
      }
    }

    service {
      name = "hello-world"
      tags = [
        "traefik.enable=true",
        "traefik.http.routers.hello-world.rule=PathPrefix(`/`)",
        "traefik.http.services.hello-world.loadbalancer.healthcheck.path=/ready",
        "traefik.http.services.hello-world.loadbalancer.healthcheck.interval=5s",
      ]
      port     = "http"
      provider = "nomad"

      check {
        name     = "ready"
        type     = "http"
        path     = "/ready"
        interval = "5s"
        timeout  = "2s"
      }

      check {
        name     = "alive"
        type     = "http"
        path     = "/health"
        interval = "10s"
        timeout  = "2s"

        check_restart {
          limit = 3
          grace = "10s"
        }
      }
    }

    task "hello-world" {
      driver       = "docker"
      kill_timeout = "15s"
      kill_signal  = "SIGTERM"

      config {
        image = var.image
        ports = ["http"]
      }

      env {
        PORT             = "8080"
        LOG_LEVEL        = "info"
        DRAIN_TIMEOUT_MS = "10000"
        NODE_NAME        = "$${node.unique.name}"
      }

      resources {
        cpu        = 200
        memory     = 128
        memory_max = 256
      }
    }
  }
}
