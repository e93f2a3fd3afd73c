# The HCL example's job (examples/nomad-job-hcl.ts): a nightly batch job, with its image as a variable.
variable "image" {
  type = string
}

job "report" {
  type      = "batch"
  node_pool = "general"

  periodic {
    crons            = ["0 3 * * *"]
    prohibit_overlap = true
  }

  group "report" {
    task "report" {
      driver = "docker"

      config {
        image = var.image
        args  = ["--since", "24h"]
      }

      resources {
        cpu    = 200
        memory = 128
      }
    }
  }
}
