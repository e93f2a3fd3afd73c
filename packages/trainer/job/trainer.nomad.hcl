job "trainer" {
  type        = "batch"
  datacenters = ["*"]

  parameterized {
    payload = "forbidden"
    meta_optional = [
      "output",
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
        image = "ghcr.io/org/nomad-on-aws/trainer:latest"
        args  = ["train", "--resume"]
        ports = ["metrics"]
      }

      env {
        METRICS_PORT    = "9464"
        OUTPUT_LOCATION = "s3://example-trainer-runs/trainer"
        AWS_REGION      = "us-east-1"
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
