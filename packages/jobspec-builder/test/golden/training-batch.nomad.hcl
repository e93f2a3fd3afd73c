job "trainer" {
  type        = "batch"
  priority    = 40
  datacenters = ["*"]

  parameterized {
    payload       = "optional"
    meta_required = ["dataset"]
    meta_optional = ["epochs", "seed"]
  }

  meta {
    epochs = "10"
    seed   = "42"
  }

  group "trainer" {
    count = 1

    task "trainer" {
      driver = "docker"

      config {
        image   = "ghcr.io/acme/trainer:0.3.0"
        command = "trainer"
        args = [
          "train",
          "--epochs",
          "$${NOMAD_META_epochs}",
          "--output",
          "$${NOMAD_ALLOC_DIR}/data/model",
        ]
      }

      resources {
        cpu    = 2000
        memory = 2048
      }

      restart {
        interval = "1h"
        attempts = 1
        delay    = "30s"
        mode     = "fail"
      }

      logs {
        max_files     = 5
        max_file_size = 20
      }

      template {
        destination = "local/params.env"
        data        = <<EOT
DATASET={{ env "NOMAD_META_dataset" }}
SEED=$${NOMAD_META_seed}
EOT
        env         = true
      }

      dispatch_payload {
        file = "params.json"
      }
    }
  }
}
