variable "image" {
  type        = string
  description = "Container image built from packages/trainer/Dockerfile"
  default     = "trainer:latest"
}

job "trainer-pipeline" {
  type        = "batch"
  datacenters = ["*"]

  parameterized {
    payload       = "forbidden"
    meta_required = ["output"]
    meta_optional = [
      "data",
      "label",
      "model",
      "trials",
      "predict_data",
      "seed",
      "test_split",
      "bad_rows",
    ]
  }

  meta {
    data         = "builtin:iris"
    model        = "logistic"
    predict_data = "builtin:iris"
    trials       = "8"
  }

  group "trainer-pipeline" {
    count = 1

    restart {
      interval = "30m"
      attempts = 1
      delay    = "15s"
      mode     = "fail"
    }

    reschedule {
      attempts  = 1
      interval  = "6h"
      delay     = "30s"
      unlimited = false
    }

    task "optimize" {
      driver       = "docker"
      kill_timeout = "30s"
      kill_signal  = "SIGTERM"

      lifecycle {
        hook    = "prestart"
        sidecar = false
      }

      config {
        image = var.image
        args  = ["optimize", "--out", "$${NOMAD_META_output}/$${NOMAD_JOB_ID}/optimize"]
      }

      env {}

      resources {
        cpu        = 2000
        memory     = 1024
        memory_max = 2048
      }

      logs {
        max_files     = 5
        max_file_size = 20
      }
    }

    task "train" {
      driver       = "docker"
      kill_timeout = "30s"
      kill_signal  = "SIGTERM"

      config {
        image = var.image
        args = [
          "train",
          "--resume",
          "--out",
          "$${NOMAD_META_output}/$${NOMAD_JOB_ID}/model",
          "--hyperparameters",
          "$${NOMAD_META_output}/$${NOMAD_JOB_ID}/optimize",
        ]
      }

      env {}

      resources {
        cpu        = 2000
        memory     = 1024
        memory_max = 2048
      }

      logs {
        max_files     = 5
        max_file_size = 20
      }
    }

    task "predict" {
      driver       = "docker"
      kill_timeout = "30s"
      kill_signal  = "SIGTERM"

      lifecycle {
        hook    = "poststop"
        sidecar = false
      }

      config {
        image = var.image
        args = [
          "predict",
          "--model",
          "$${NOMAD_META_output}/$${NOMAD_JOB_ID}/model",
          "--data",
          "$${NOMAD_META_predict_data}",
          "--out",
          "$${NOMAD_META_output}/$${NOMAD_JOB_ID}/predictions.csv",
        ]
      }

      env {}

      resources {
        cpu        = 2000
        memory     = 1024
        memory_max = 2048
      }

      logs {
        max_files     = 5
        max_file_size = 20
      }
    }
  }
}
