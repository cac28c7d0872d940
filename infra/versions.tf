terraform {
  # 1.11: write-only attributes (the app DB password never enters the state).
  required_version = ">= 1.11.0"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.100.0, < 6.0.0"
    }
  }

  # State is local by default. For a team, copy backend.tf.example to
  # backend.tf (S3 bucket + lock) before the first `terraform init`.
}
