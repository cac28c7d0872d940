# Offline plan for CI (tests/infra): dummy credentials and the provider's
# skip_* switches, so `terraform plan -var-file=ci.tfvars -refresh=false`
# makes no AWS call. Never use for a real deployment.
region      = "eu-west-1"
name        = "shoppulse-api-ci"
environment = "ci"

aws_access_key              = "AKIAIOSFODNN7EXAMPLE"
aws_secret_key              = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
skip_credentials_validation = true
skip_requesting_account_id  = true
skip_metadata_api_check     = true

# tests/infra creates this placeholder in its temp copy; plan works without it too.
lambda_zip_path = "placeholder.zip"

# Secrets Manager would generate the app password at apply (an API call even at
# plan time): supply a dummy one instead.
generate_db_app_password = false
db_app_password          = "ci-dummy-password-not-used"

cors_allow_origins        = ["https://app.example.com"]
quicksight_dashboard_arns = ["arn:aws:quicksight:eu-west-1:123456789012:dashboard/tenant-dashboard-1"]
quicksight_namespace_arns = ["arn:aws:quicksight:eu-west-1:123456789012:namespace/default"]
quicksight_user_arns      = ["arn:aws:quicksight:eu-west-1:123456789012:user/default/*"]
alarm_actions             = ["arn:aws:sns:eu-west-1:123456789012:shoppulse-alarms"]
