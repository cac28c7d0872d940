provider "aws" {
  region = var.region

  # Offline mode for CI (ci.tfvars): with dummy keys and these flags, `terraform
  # plan -refresh=false` makes no AWS call. Real deployments leave them unset and
  # use the normal credential chain (profile, SSO, role, environment).
  access_key                  = var.aws_access_key
  secret_key                  = var.aws_secret_key
  skip_credentials_validation = var.skip_credentials_validation
  skip_requesting_account_id  = var.skip_requesting_account_id
  skip_metadata_api_check     = var.skip_metadata_api_check
  skip_region_validation      = var.skip_credentials_validation

  default_tags {
    tags = merge({
      Application = "shoppulse-api"
      Environment = var.environment
      ManagedBy   = "terraform"
    }, var.tags)
  }
}
