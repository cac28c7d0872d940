# Two functions from the same zip:
#   <name>          the API (API Gateway proxy integration), app DB login
#   <name>-migrate  invoked by operators (or on apply) with {"action":"migrate"},
#                   schema owner's DB login; nothing else can invoke it.

resource "aws_cloudwatch_log_group" "api_function" {
  name              = "/aws/lambda/${local.function_name}"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.logs_kms_key_arn
}

resource "aws_cloudwatch_log_group" "migrate_function" {
  name              = "/aws/lambda/${local.migrate_function_name}"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.logs_kms_key_arn
}

# ---------------------------------------------------------------- IAM

data "aws_iam_policy_document" "lambda_assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["lambda.amazonaws.com"]
    }
  }
}

# What both functions need: their own log group, ENIs in the VPC.
locals {
  vpc_eni_actions = [
    "ec2:CreateNetworkInterface",
    "ec2:DescribeNetworkInterfaces",
    "ec2:DescribeSubnets",
    "ec2:DeleteNetworkInterface",
    "ec2:AssignPrivateIpAddresses",
    "ec2:UnassignPrivateIpAddresses",
  ]
}

data "aws_iam_policy_document" "api_function" {
  statement {
    sid       = "WriteOwnLogs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${aws_cloudwatch_log_group.api_function.arn}:*"]
  }

  # Lambda manages the ENIs with the execution role; EC2 does not support
  # resource-level scoping of the Describe calls.
  statement {
    sid       = "VpcNetworkInterfaces"
    actions   = local.vpc_eni_actions
    resources = ["*"]
  }

  statement {
    sid       = "ReadDatabaseSecret"
    actions   = ["secretsmanager:GetSecretValue"]
    resources = [local.app_secret_arn]
  }

  dynamic "statement" {
    for_each = length(local.secret_kms_key_arns) == 0 ? [] : [1]
    content {
      sid       = "DecryptDatabaseSecret"
      actions   = ["kms:Decrypt"]
      resources = local.secret_kms_key_arns
      condition {
        test     = "StringEquals"
        variable = "kms:ViaService"
        values   = ["secretsmanager.${var.region}.${local.dns_suffix}"]
      }
    }
  }

  dynamic "statement" {
    for_each = length(var.quicksight_dashboard_arns) == 0 ? [] : [1]
    content {
      sid       = "EmbedTenantDashboardsAnonymous"
      actions   = ["quicksight:GenerateEmbedUrlForAnonymousUser"]
      resources = concat(var.quicksight_dashboard_arns, var.quicksight_namespace_arns)
    }
  }

  dynamic "statement" {
    for_each = length(var.quicksight_user_arns) == 0 ? [] : [1]
    content {
      sid       = "EmbedTenantDashboardsRegisteredUser"
      actions   = ["quicksight:GenerateEmbedUrlForRegisteredUser"]
      resources = var.quicksight_user_arns
    }
  }

  dynamic "statement" {
    for_each = var.lambda_tracing_mode == "Active" ? [1] : []
    content {
      sid       = "XRay"
      actions   = ["xray:PutTraceSegments", "xray:PutTelemetryRecords"]
      resources = ["*"]
    }
  }

  dynamic "statement" {
    for_each = var.create_database && var.db_proxy_iam_auth == "REQUIRED" ? [1] : []
    content {
      sid     = "ConnectThroughProxyWithIam"
      actions = ["rds-db:connect"]
      resources = [
        "${replace(replace(aws_db_proxy.this[0].arn, ":rds:", ":rds-db:"), ":db-proxy:", ":dbuser:")}/${var.db_app_username}",
      ]
    }
  }
}

resource "aws_iam_role" "api_function" {
  name               = "${var.name}-function"
  assume_role_policy = data.aws_iam_policy_document.lambda_assume.json
}

resource "aws_iam_role_policy" "api_function" {
  name   = "least-privilege"
  role   = aws_iam_role.api_function.id
  policy = data.aws_iam_policy_document.api_function.json
}

data "aws_iam_policy_document" "migrate_function" {
  statement {
    sid       = "WriteOwnLogs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${aws_cloudwatch_log_group.migrate_function.arn}:*"]
  }

  statement {
    sid       = "VpcNetworkInterfaces"
    actions   = local.vpc_eni_actions
    resources = ["*"]
  }

  statement {
    sid       = "ReadSchemaOwnerSecret"
    actions   = ["secretsmanager:GetSecretValue"]
    resources = [local.migration_secret_arn]
  }

  dynamic "statement" {
    for_each = length(local.secret_kms_key_arns) == 0 ? [] : [1]
    content {
      sid       = "DecryptSchemaOwnerSecret"
      actions   = ["kms:Decrypt"]
      resources = local.secret_kms_key_arns
      condition {
        test     = "StringEquals"
        variable = "kms:ViaService"
        values   = ["secretsmanager.${var.region}.${local.dns_suffix}"]
      }
    }
  }
}

resource "aws_iam_role" "migrate_function" {
  name               = "${var.name}-migrate"
  assume_role_policy = data.aws_iam_policy_document.lambda_assume.json
}

resource "aws_iam_role_policy" "migrate_function" {
  name   = "least-privilege"
  role   = aws_iam_role.migrate_function.id
  policy = data.aws_iam_policy_document.migrate_function.json
}

# ---------------------------------------------------------------- functions

resource "aws_lambda_function" "api" {
  function_name                  = local.function_name
  description                    = "ShopPulse API (C++ custom runtime)"
  role                           = aws_iam_role.api_function.arn
  filename                       = local.zip_path
  source_code_hash               = local.zip_hash
  handler                        = "bootstrap"
  runtime                        = var.lambda_runtime
  architectures                  = [var.lambda_architecture]
  memory_size                    = var.lambda_memory_mb
  timeout                        = var.lambda_timeout_seconds
  reserved_concurrent_executions = var.lambda_reserved_concurrency

  vpc_config {
    subnet_ids         = local.private_subnet_ids
    security_group_ids = [aws_security_group.lambda.id]
  }

  environment {
    variables = local.api_environment
  }

  # Sets AWS_LAMBDA_LOG_FORMAT=JSON and AWS_LAMBDA_LOG_LEVEL for the runtime.
  logging_config {
    log_format            = "JSON"
    application_log_level = var.log_level
    system_log_level      = "WARN"
    log_group             = aws_cloudwatch_log_group.api_function.name
  }

  tracing_config {
    mode = var.lambda_tracing_mode
  }

  lifecycle {
    precondition {
      condition     = var.create_database || var.existing_db_secret_arn != null
      error_message = "create_database = false needs existing_db_secret_arn."
    }
    precondition {
      condition     = var.create_vpc || (var.vpc_id != null && length(var.private_subnet_ids) >= 1 && (!var.create_database || length(var.isolated_subnet_ids) >= 2))
      error_message = "create_vpc = false needs vpc_id, private_subnet_ids and (with create_database) at least two isolated_subnet_ids."
    }
  }

  depends_on = [aws_iam_role_policy.api_function]
}

resource "aws_lambda_function" "migrate" {
  function_name    = local.migrate_function_name
  description      = "ShopPulse schema migrations: invoke with {\"action\":\"migrate\"}"
  role             = aws_iam_role.migrate_function.arn
  filename         = local.zip_path
  source_code_hash = local.zip_hash
  handler          = "bootstrap"
  runtime          = var.lambda_runtime
  architectures    = [var.lambda_architecture]
  memory_size      = 256
  timeout          = 900
  # At most one migration at a time (the migrator also takes an advisory lock).
  reserved_concurrent_executions = 1

  vpc_config {
    subnet_ids         = local.private_subnet_ids
    security_group_ids = [aws_security_group.lambda.id]
  }

  environment {
    variables = local.migrate_environment
  }

  logging_config {
    log_format            = "JSON"
    application_log_level = "INFO"
    system_log_level      = "WARN"
    log_group             = aws_cloudwatch_log_group.migrate_function.name
  }

  depends_on = [aws_iam_role_policy.migrate_function]
}

# Optional: migrate during apply whenever the zip changes (off by default).
resource "aws_lambda_invocation" "migrate" {
  count         = var.run_migrations_on_apply ? 1 : 0
  function_name = aws_lambda_function.migrate.function_name
  input         = jsonencode({ action = "migrate" })
  triggers = {
    code = coalesce(local.zip_hash, "none")
  }

  depends_on = [aws_db_proxy_target.this]
}
