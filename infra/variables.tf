# ---------------------------------------------------------------- general

variable "region" {
  description = "AWS region to deploy to."
  type        = string
}

variable "name" {
  description = "Name prefix of every resource (function, API, user pool, database...)."
  type        = string
  default     = "shoppulse-api"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,38}[a-z0-9]$", var.name))
    error_message = "name: 3-40 characters, lower-case letters, digits and hyphens, starting with a letter."
  }
}

variable "environment" {
  description = "Environment name, used in tags and the API stage name (e.g. prod, staging)."
  type        = string
  default     = "prod"

  validation {
    condition     = can(regex("^[a-zA-Z0-9_]{1,64}$", var.environment))
    error_message = "environment: letters, digits and underscores (it is also the API Gateway stage name)."
  }
}

variable "tags" {
  description = "Extra tags for every resource."
  type        = map(string)
  default     = {}
}

# ---------------------------------------------------------------- provider (offline CI mode)

variable "aws_access_key" {
  description = "Only for offline CI plans (ci.tfvars): a dummy access key. Leave null to use the normal credential chain."
  type        = string
  default     = null
  sensitive   = true
}

variable "aws_secret_key" {
  description = "Only for offline CI plans (ci.tfvars): a dummy secret key. Leave null to use the normal credential chain."
  type        = string
  default     = null
  sensitive   = true
}

variable "skip_credentials_validation" {
  description = "Offline CI mode: do not validate credentials with STS (also skips region validation)."
  type        = bool
  default     = false
}

variable "skip_requesting_account_id" {
  description = "Offline CI mode: do not look up the account id."
  type        = bool
  default     = false
}

variable "skip_metadata_api_check" {
  description = "Offline CI mode: do not query the EC2 instance metadata service for credentials."
  type        = bool
  default     = false
}

# ---------------------------------------------------------------- Lambda function

variable "lambda_zip_path" {
  description = "Deployment zip built by ./package.sh. Default: ../dist/shoppulse-api.zip next to this folder. Plan works without it; apply needs it."
  type        = string
  default     = null
}

variable "lambda_runtime" {
  description = "OS-only Lambda runtime. The zip bundles its own glibc, so both work."
  type        = string
  default     = "provided.al2"

  validation {
    condition     = contains(["provided.al2", "provided.al2023"], var.lambda_runtime)
    error_message = "lambda_runtime must be provided.al2 or provided.al2023."
  }
}

variable "lambda_architecture" {
  description = "Instruction set of the zip. package.sh builds x86_64 only for now."
  type        = string
  default     = "x86_64"

  validation {
    condition     = var.lambda_architecture == "x86_64"
    error_message = "Only x86_64 zips are built so far (package.sh --arch x86_64)."
  }
}

variable "lambda_memory_mb" {
  description = "Function memory (MB); CPU scales with it."
  type        = number
  default     = 256

  validation {
    condition     = var.lambda_memory_mb >= 128 && var.lambda_memory_mb <= 10240
    error_message = "lambda_memory_mb must be 128-10240."
  }
}

variable "lambda_timeout_seconds" {
  description = "Function timeout. API Gateway REST integrations give up after 29 s anyway."
  type        = number
  default     = 15

  validation {
    condition     = var.lambda_timeout_seconds >= 1 && var.lambda_timeout_seconds <= 900
    error_message = "lambda_timeout_seconds must be 1-900."
  }
}

variable "lambda_reserved_concurrency" {
  description = "Reserved concurrent executions of the API function (-1: unreserved). Also caps the database connections it can open (one per sandbox)."
  type        = number
  default     = -1
}

variable "lambda_tracing_mode" {
  description = "X-Ray tracing of the function: PassThrough or Active."
  type        = string
  default     = "PassThrough"

  validation {
    condition     = contains(["PassThrough", "Active"], var.lambda_tracing_mode)
    error_message = "lambda_tracing_mode must be PassThrough or Active."
  }
}

variable "log_level" {
  description = "Application log level (AWS_LAMBDA_LOG_LEVEL, set by Lambda's logging config): TRACE, DEBUG, INFO, WARN, ERROR, FATAL."
  type        = string
  default     = "INFO"

  validation {
    condition     = contains(["TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL"], var.log_level)
    error_message = "log_level must be TRACE, DEBUG, INFO, WARN, ERROR or FATAL."
  }
}

variable "log_retention_days" {
  description = "Retention of the function's and the API's log groups."
  type        = number
  default     = 30
}

variable "logs_kms_key_arn" {
  description = "Optional KMS key for the log groups (the key policy must allow CloudWatch Logs)."
  type        = string
  default     = null
}

variable "metrics_namespace" {
  description = "METRICS_NAMESPACE: CloudWatch EMF namespace."
  type        = string
  default     = "ShopPulse/Api"
}

variable "metrics_enabled" {
  description = "METRICS_ENABLED: one EMF line per invocation."
  type        = bool
  default     = true
}

variable "cors_allow_origins" {
  description = "CORS_ALLOW_ORIGINS: allowed browser origins (e.g. [\"https://app.example.com\"]); [\"*\"] for any; [] disables CORS."
  type        = list(string)
  default     = []
}

variable "db_pool_max" {
  description = "DB_POOL_MAX: connections per sandbox."
  type        = number
  default     = 1
}

variable "db_connect_timeout_ms" {
  description = "DB_CONNECT_TIMEOUT_MS (null: the function's default)."
  type        = number
  default     = 5000
}

variable "db_statement_timeout_ms" {
  description = "DB_STATEMENT_TIMEOUT_MS: statement timeout cap (null: the function's default)."
  type        = number
  default     = 10000
}

variable "db_sslmode" {
  description = "DB_SSLMODE (null: verify-full, the function's default with a secret)."
  type        = string
  default     = null
}

variable "db_sslrootcert" {
  description = "DB_SSLROOTCERT (null: the zip's CA bundle, which covers RDS Proxy; for a direct RDS connection use a zip built with --rds-ca-bundle)."
  type        = string
  default     = null
}

variable "secret_ttl_seconds" {
  description = "SECRET_TTL_SECONDS: how long a sandbox caches the database secret."
  type        = number
  default     = 300
}

variable "extra_environment" {
  description = "More environment variables for the API function (they win over the ones set here)."
  type        = map(string)
  default     = {}
}

variable "run_migrations_on_apply" {
  description = "Invoke the migration function with {\"action\":\"migrate\"} during apply whenever the zip changes. Off by default: see README for the manual command."
  type        = bool
  default     = false
}

# ---------------------------------------------------------------- QuickSight

variable "quicksight_dashboard_arns" {
  description = "ARNs of the tenant dashboards the function may embed (quicksight:GenerateEmbedUrlFor*). Empty: no QuickSight permission."
  type        = list(string)
  default     = []
}

variable "quicksight_namespace_arns" {
  description = "QuickSight namespace ARNs for anonymous embedding (e.g. arn:aws:quicksight:REGION:ACCOUNT:namespace/default)."
  type        = list(string)
  default     = []
}

variable "quicksight_user_arns" {
  description = "QuickSight user ARNs (patterns allowed, e.g. arn:aws:quicksight:REGION:ACCOUNT:user/default/*) for registered-user embedding. Empty: no registered-user embedding."
  type        = list(string)
  default     = []
}

# ---------------------------------------------------------------- API Gateway

variable "api_throttling_rate_limit" {
  description = "Stage-wide steady-state requests per second."
  type        = number
  default     = 100
}

variable "api_throttling_burst_limit" {
  description = "Stage-wide burst."
  type        = number
  default     = 200
}

variable "api_binary_media_types" {
  description = "Binary media types: with */* the function's base64 (gzip) bodies reach clients as bytes."
  type        = list(string)
  default     = ["*/*"]
}

variable "api_request_body_validation" {
  description = "API Gateway validates JSON request bodies against the contract's schemas (openapi/openapi.yaml) before the function runs (the \"all\" validator on operations with a requestBody); false = parameters only, the function alone validates bodies. Turn off if gzipped request bodies (Content-Encoding: gzip, which the function accepts) are refused with 400 validation_failed by the gateway."
  type        = bool
  default     = true
}

variable "api_xray_tracing" {
  description = "X-Ray tracing on the API stage."
  type        = bool
  default     = false
}

variable "manage_apigateway_account_logging_role" {
  description = "Set the region-wide API Gateway CloudWatch Logs role (needed once per account and region for access/execution logs). Disable when another stack manages it."
  type        = bool
  default     = true
}

# ---------------------------------------------------------------- Lambda tenant isolation (issue 16)

variable "tenant_isolation_mode" {
  description = "API Gateway sends every invocation's tenant to Lambda as X-Amz-Tenant-Id: the caller's custom:tenant_id claim on authorised routes, tenant_isolation_public_tenant_id on the public ones (/health, OPTIONS). Only for an API function created with tenancy_config { tenant_isolation_mode = \"PER_TENANT\" }, which needs hashicorp/aws >= 6.23.0 (README: \"Tenant isolation mode\")."
  type        = bool
  default     = false
}

variable "tenant_isolation_public_tenant_id" {
  description = "Tenant id API Gateway sends for the routes without an authorizer when tenant_isolation_mode is on: a fixed name, never a UUID, so it cannot be a real tenant (custom:tenant_id is a UUID). Those sandboxes serve no tenant data."
  type        = string
  default     = "public"

  validation {
    condition = (
      can(regex("^[A-Za-z0-9._:/=+@-]{1,256}$", var.tenant_isolation_public_tenant_id))
      && !can(regex("^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$", var.tenant_isolation_public_tenant_id))
    )
    error_message = "tenant_isolation_public_tenant_id: 1-256 of A-Z a-z 0-9 . _ : / = + @ - (Lambda's tenant id), and not a UUID (tenant ids are UUIDs)."
  }
}

# ---------------------------------------------------------------- Cognito

variable "cognito_deletion_protection" {
  description = "Cognito user pool deletion protection: ACTIVE or INACTIVE."
  type        = string
  default     = "ACTIVE"

  validation {
    condition     = contains(["ACTIVE", "INACTIVE"], var.cognito_deletion_protection)
    error_message = "cognito_deletion_protection must be ACTIVE or INACTIVE."
  }
}

variable "cognito_mfa" {
  description = "MFA: OFF, OPTIONAL (TOTP) or ON."
  type        = string
  default     = "OPTIONAL"

  validation {
    condition     = contains(["OFF", "OPTIONAL", "ON"], var.cognito_mfa)
    error_message = "cognito_mfa must be OFF, OPTIONAL or ON."
  }
}

variable "cognito_allow_admin_password_auth" {
  description = "Allow ADMIN_USER_PASSWORD_AUTH on the app client (IAM-signed; used by the README's curl walk-through). Browsers use SRP either way."
  type        = bool
  default     = false
}

variable "cognito_callback_urls" {
  description = "OAuth callback URLs for the hosted UI (empty: no OAuth flows, SRP only)."
  type        = list(string)
  default     = []
}

variable "cognito_logout_urls" {
  description = "OAuth logout URLs for the hosted UI."
  type        = list(string)
  default     = []
}

# ---------------------------------------------------------------- network

variable "create_vpc" {
  description = "Create a VPC (public subnets for one NAT gateway, private subnets for Lambda and RDS Proxy, isolated subnets for RDS). False: pass vpc_id and subnet ids."
  type        = bool
  default     = true
}

variable "vpc_cidr" {
  description = "CIDR of the created VPC (a /16 is split into /24s)."
  type        = string
  default     = "10.40.0.0/16"
}

variable "availability_zones" {
  description = "AZs for the created VPC (at least 2; RDS needs two). Null: <region>a and <region>b."
  type        = list(string)
  default     = null
}

variable "vpc_id" {
  description = "Existing VPC (create_vpc = false)."
  type        = string
  default     = null
}

variable "private_subnet_ids" {
  description = "Existing private subnets with a route to the internet (NAT) or VPC endpoints for Secrets Manager and QuickSight, for Lambda and RDS Proxy (create_vpc = false)."
  type        = list(string)
  default     = []
}

variable "isolated_subnet_ids" {
  description = "Existing subnets for the RDS instance, at least two AZs (create_vpc = false, create_database = true)."
  type        = list(string)
  default     = []
}

# ---------------------------------------------------------------- database

variable "create_database" {
  description = "Create RDS PostgreSQL 15, RDS Proxy and the secrets. False: pass existing_db_secret_arn."
  type        = bool
  default     = true
}

variable "db_name" {
  description = "Database name."
  type        = string
  default     = "shoppulse"
}

variable "db_master_username" {
  description = "RDS master user (owns the schema; runs migrations). Its password is managed by RDS in Secrets Manager."
  type        = string
  default     = "shoppulse_admin"
}

variable "db_app_username" {
  description = "The function's login role (member of shoppulse_app; created after the first migration, see README)."
  type        = string
  default     = "shoppulse_lambda"
}

variable "generate_db_app_password" {
  description = "Let Secrets Manager generate the app login password (write-only: never stored in the Terraform state). False: supply db_app_password."
  type        = bool
  default     = true
}

variable "db_app_password" {
  description = "App login password when generate_db_app_password = false (ephemeral: never stored in the state or plan)."
  type        = string
  default     = null
  sensitive   = true
  ephemeral   = true
}

variable "db_app_password_version" {
  description = "Bump to write a new app password into the secret (then ALTER ROLE ... PASSWORD, see README)."
  type        = number
  default     = 1
}

variable "db_instance_class" {
  description = "RDS instance class."
  type        = string
  default     = "db.t4g.micro"
}

variable "db_engine_version" {
  description = "PostgreSQL version (major, or major.minor)."
  type        = string
  default     = "15"

  validation {
    condition     = can(regex("^15(\\.[0-9]+)?$", var.db_engine_version))
    error_message = "The schema targets PostgreSQL 15."
  }
}

variable "db_allocated_storage_gb" {
  description = "Initial storage (GiB)."
  type        = number
  default     = 20
}

variable "db_max_allocated_storage_gb" {
  description = "Storage autoscaling ceiling (GiB)."
  type        = number
  default     = 100
}

variable "db_multi_az" {
  description = "Multi-AZ RDS instance."
  type        = bool
  default     = false
}

variable "db_backup_retention_days" {
  description = "Automated backup retention."
  type        = number
  default     = 7
}

variable "db_deletion_protection" {
  description = "RDS deletion protection."
  type        = bool
  default     = true
}

variable "db_skip_final_snapshot" {
  description = "Skip the final snapshot on destroy (only for throwaway environments)."
  type        = bool
  default     = false
}

variable "db_kms_key_arn" {
  description = "Optional customer managed KMS key for RDS storage and the secrets (null: AWS managed keys)."
  type        = string
  default     = null
}

variable "db_proxy_iam_auth" {
  description = "RDS Proxy IAM authentication for the app login: DISABLED or REQUIRED. The function authenticates with the secret's password, so keep DISABLED unless other clients need IAM auth for that user."
  type        = string
  default     = "DISABLED"

  validation {
    condition     = contains(["DISABLED", "REQUIRED"], var.db_proxy_iam_auth)
    error_message = "db_proxy_iam_auth must be DISABLED or REQUIRED."
  }
}

variable "secret_recovery_window_days" {
  description = "Secrets Manager recovery window for deleted secrets (0: delete at once)."
  type        = number
  default     = 7
}

variable "existing_db_secret_arn" {
  description = "create_database = false: Secrets Manager secret the function reads (RDS JSON form: engine, host, port, username, password, dbname)."
  type        = string
  default     = null
}

variable "existing_db_secret_kms_key_arn" {
  description = "create_database = false: customer managed KMS key of that secret, if any."
  type        = string
  default     = null
}

variable "existing_db_migration_secret_arn" {
  description = "create_database = false: secret of the schema owner for the migration function (null: the migration function uses existing_db_secret_arn)."
  type        = string
  default     = null
}

variable "existing_db_host" {
  description = "create_database = false: overrides the secret's host (RDS_PROXY_ENDPOINT)."
  type        = string
  default     = null
}

variable "existing_db_security_group_id" {
  description = "create_database = false: the database's (or proxy's) security group; the function's security group is allowed in on 5432. Null: the function may reach 5432 anywhere and you open the database side."
  type        = string
  default     = null
}

# ---------------------------------------------------------------- alarms

variable "alarm_actions" {
  description = "SNS topic ARNs notified by the alarms (and on OK)."
  type        = list(string)
  default     = []
}

variable "alarm_lambda_errors_threshold" {
  description = "Function errors per 5 minutes that raise the alarm."
  type        = number
  default     = 5
}

variable "alarm_api_5xx_threshold" {
  description = "API Gateway 5XX responses per 5 minutes that raise the alarm."
  type        = number
  default     = 5
}
