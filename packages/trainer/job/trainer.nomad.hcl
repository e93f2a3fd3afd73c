variable "image" {
  type        = string
  description = "Container image built from packages/trainer/Dockerfile"
  default     = "trainer:latest"
}

variable "node_pool" {
  type        = string
  description = "Nomad node pool the runs go to"
  default     = "default"
}

job "trainer" {
  type        = "batch"
  datacenters = ["*"]
  node_pool   = var.node_pool

  parameterized {
    payload       = "forbidden"
    meta_required = ["output"]
    meta_optional = [
      "data",
      "label",
      "model",
      "epochs",
      "learning_rate",
      "batch_size",
      "l2",
      "hidden_size",
      "seed",
      "test_split",
      "bad_rows",
      "hyperparameters",
      "run_id",
    ]
  }

  group "trainer" {
    count = 1

    reschedule {
      attempts       = 3
      interval       = "6h"
      delay          = "30s"
      delay_function = "exponential"
      max_delay      = "10m"
      unlimited      = false
    }

    network {
      port "metrics" {
        to = 9464
      }
    }

    service {
      name     = "trainer-metrics"
      tags     = ["prometheus"]
      port     = "metrics"
      provider = "nomad"
    }

    task "trainer" {
      driver       = "docker"
      kill_timeout = "30s"
      kill_signal  = "SIGTERM"

      config {
        image = var.image
        args  = ["train", "--resume"]
        ports = ["metrics"]
      }

      env {
        METRICS_PORT = "9464"
      }

      resources {
        cpu        = 2000
        memory     = 1024
        memory_max = 2048
      }

      restart {
        interval = "30m"
        attempts = 2
        delay    = "15s"
        mode     = "fail"
      }

      logs {
        max_files     = 5
        max_file_size = 20
      }
    }
  }
}
