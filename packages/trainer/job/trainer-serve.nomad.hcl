variable "image" {
  type        = string
  description = "Container image built from packages/trainer/Dockerfile"
  default     = "trainer:latest"
}

variable "model_location" {
  type        = string
  description = "Output location of trainer runs (s3://bucket/prefix) whose latest run is served"
}

job "trainer-serve" {
  type        = "service"
  datacenters = ["*"]

  group "trainer-serve" {
    count          = 2
    shutdown_delay = "5s"

    spread {
      attribute = "$${attr.platform.aws.placement.availability-zone}"
      weight    = 100
    }

    spread {
      attribute = "$${node.unique.id}"
      weight    = 50
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
      healthy_deadline  = "3m"
      progress_deadline = "10m"
      canary            = 1
      auto_revert       = true
      auto_promote      = true
    }

    network {
      port "http" {
        to = 8080
      }
    }

    service {
      name     = "trainer-serve"
      tags     = ["prometheus"]
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
          grace = "30s"
        }
      }
    }

    scaling {
      min     = 2
      max     = 6
      enabled = true

      policy {
        cooldown            = "1m"
        evaluation_interval = "30s"

        check "avg_cpu" {
          source = "nomad-apm"
          query  = "avg_cpu-allocated"

          strategy "target-value" {
            target = 70
          }
        }
      }
    }

    task "trainer-serve" {
      driver       = "docker"
      kill_timeout = "15s"
      kill_signal  = "SIGTERM"

      config {
        image = var.image
        args  = ["serve"]
        ports = ["http"]
      }

      env {
        MODEL_LOCATION          = var.model_location
        PORT                    = "8080"
        DRAIN_SECONDS           = "5"
        RELOAD_INTERVAL_SECONDS = "10"
      }

      resources {
        cpu        = 500
        memory     = 256
        memory_max = 512
      }

      logs {
        max_files     = 5
        max_file_size = 20
      }
    }
  }
}
