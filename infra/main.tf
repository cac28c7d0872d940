# ShopPulse API on AWS: API Gateway (REST, Cognito authorizer) -> Lambda
# (provided.al2 custom runtime, in the VPC) -> RDS Proxy (TLS) -> RDS
# PostgreSQL 15 (encrypted, TLS only), credentials in Secrets Manager.
#
# No data source here calls AWS, so `terraform plan` works offline with
# ci.tfvars (the CI test); account-specific ARNs come in as variables.

locals {
  partition  = startswith(var.region, "cn-") ? "aws-cn" : (startswith(var.region, "us-gov-") ? "aws-us-gov" : "aws")
  dns_suffix = local.partition == "aws-cn" ? "amazonaws.com.cn" : "amazonaws.com"

  zip_path = coalesce(var.lambda_zip_path, "${path.module}/../dist/shoppulse-api.zip")
  # Plan works before ./package.sh has run; apply needs the file.
  zip_hash = fileexists(local.zip_path) ? filebase64sha256(local.zip_path) : null

  function_name         = var.name
  migrate_function_name = "${var.name}-migrate"

  azs = var.availability_zones != null ? var.availability_zones : ["${var.region}a", "${var.region}b"]

  vpc_id              = var.create_vpc ? aws_vpc.this[0].id : var.vpc_id
  private_subnet_ids  = var.create_vpc ? aws_subnet.private[*].id : var.private_subnet_ids
  isolated_subnet_ids = var.create_vpc ? aws_subnet.isolated[*].id : var.isolated_subnet_ids

  # The secret the API function reads (RDS JSON form), and the schema owner's
  # secret the migration function reads.
  app_secret_arn       = var.create_database ? aws_secretsmanager_secret.db_app[0].arn : var.existing_db_secret_arn
  migration_secret_arn = var.create_database ? aws_db_instance.this[0].master_user_secret[0].secret_arn : coalesce(var.existing_db_migration_secret_arn, var.existing_db_secret_arn)
  db_host_override     = var.create_database ? null : var.existing_db_host
  secret_kms_key_arns  = compact([var.db_kms_key_arn, var.existing_db_secret_kms_key_arn])

  # Configuration table of README.md. Keys are known at plan time (values may
  # not be); null/empty settings are left out.
  api_environment = merge(
    { for k, v in {
      METRICS_NAMESPACE       = var.metrics_namespace
      METRICS_ENABLED         = tostring(var.metrics_enabled)
      CORS_ALLOW_ORIGINS      = join(",", var.cors_allow_origins)
      DB_SSLMODE              = var.db_sslmode
      DB_SSLROOTCERT          = var.db_sslrootcert
      DB_POOL_MAX             = tostring(var.db_pool_max)
      DB_CONNECT_TIMEOUT_MS   = var.db_connect_timeout_ms == null ? null : tostring(var.db_connect_timeout_ms)
      DB_STATEMENT_TIMEOUT_MS = var.db_statement_timeout_ms == null ? null : tostring(var.db_statement_timeout_ms)
      SECRET_TTL_SECONDS      = tostring(var.secret_ttl_seconds)
      RDS_PROXY_ENDPOINT      = local.db_host_override
    } : k => v if v != null && v != "" },
    { RDS_SECRET_ARN = local.app_secret_arn },
    var.extra_environment,
  )

  # The migration function: same zip, schema owner's credentials. The RDS
  # managed master secret holds only username/password, so host and database
  # come from RDS_PROXY_ENDPOINT / RDS_DATABASE.
  migrate_environment = merge(
    { for k, v in {
      METRICS_NAMESPACE     = var.metrics_namespace
      METRICS_ENABLED       = "false"
      RDS_DATABASE          = var.create_database ? var.db_name : null
      DB_SSLMODE            = var.db_sslmode
      DB_SSLROOTCERT        = var.db_sslrootcert
      DB_POOL_MAX           = "1"
      DB_CONNECT_TIMEOUT_MS = var.db_connect_timeout_ms == null ? null : tostring(var.db_connect_timeout_ms)
      SECRET_TTL_SECONDS    = "0"
      RDS_PROXY_ENDPOINT    = var.create_database ? null : local.db_host_override
    } : k => v if v != null && v != "" },
    { RDS_SECRET_ARN = local.migration_secret_arn },
    var.create_database ? { RDS_PROXY_ENDPOINT = aws_db_proxy.this[0].endpoint } : {},
  )
}

check "deployment_zip" {
  assert {
    condition     = fileexists(local.zip_path)
    error_message = "${local.zip_path} does not exist yet: run ./package.sh before terraform apply."
  }
}
