job "nightly-backup" {
  type        = "sysbatch"
  datacenters = ["*"]

  periodic {
    crons            = ["0 3 * * *"]
    prohibit_overlap = true
    time_zone        = "Europe/Berlin"
  }

  group "backup" {
    task "snapshot" {
      driver       = "exec"
      kill_timeout = "1m"

      config {
        command = "/usr/local/bin/backup.sh"
        args    = ["--target", "s3://backups/$${node.unique.name}"]
      }

      resources {
        cpu    = 200
        memory = 128
      }

      artifact {
        source      = "https://example.com/backup.sh"
        mode        = "file"
        destination = "local/"
      }
    }
  }
}
