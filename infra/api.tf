# REST API (payload format 1.0), Lambda proxy integration.
#
# Routes: the function does its own routing (404/405 with Allow), so the API
# has one authorised catch-all plus the public exceptions:
#   GET     /health        no auth (load balancer / uptime checks)
#   OPTIONS /health        no auth (CORS preflight)
#   ANY     /{proxy+}      Cognito user pool authorizer (ID token in Authorization)
#   OPTIONS /{proxy+}      no auth (CORS preflight; answered by the function)
# "/" itself has no method (API Gateway answers 403).
#
# tenant_isolation_mode (off by default): every integration also sets the
# X-Amz-Tenant-Id header of Lambda's Invoke call, which a PER_TENANT function
# requires on every invoke. Authorised routes send the caller's
# custom:tenant_id claim (the bootstrap checks it equals the claim it parses);
# public routes have no claim and send the fixed
# tenant_isolation_public_tenant_id, so /health and preflights run in their own
# sandboxes and never in a tenant's. REST APIs only: an HTTP API cannot set
# this header.

resource "aws_api_gateway_rest_api" "this" {
  name               = var.name
  description        = "ShopPulse API"
  binary_media_types = var.api_binary_media_types

  endpoint_configuration {
    types = ["REGIONAL"]
  }
}

resource "aws_api_gateway_authorizer" "cognito" {
  name            = "cognito"
  rest_api_id     = aws_api_gateway_rest_api.this.id
  type            = "COGNITO_USER_POOLS"
  provider_arns   = [aws_cognito_user_pool.this.arn]
  identity_source = "method.request.header.Authorization"
}

resource "aws_api_gateway_resource" "health" {
  rest_api_id = aws_api_gateway_rest_api.this.id
  parent_id   = aws_api_gateway_rest_api.this.root_resource_id
  path_part   = "health"
}

resource "aws_api_gateway_resource" "proxy" {
  rest_api_id = aws_api_gateway_rest_api.this.id
  parent_id   = aws_api_gateway_rest_api.this.root_resource_id
  path_part   = "{proxy+}"
}

locals {
  api_methods = {
    health_get     = { resource_id = aws_api_gateway_resource.health.id, method = "GET", authorized = false }
    health_options = { resource_id = aws_api_gateway_resource.health.id, method = "OPTIONS", authorized = false }
    proxy_any      = { resource_id = aws_api_gateway_resource.proxy.id, method = "ANY", authorized = true }
    proxy_options  = { resource_id = aws_api_gateway_resource.proxy.id, method = "OPTIONS", authorized = false }
  }

  # Integration request parameter mapping: context variable without "$"; a
  # static value in single quotes.
  tenant_id_header     = "integration.request.header.X-Amz-Tenant-Id"
  tenant_id_from_claim = "context.authorizer.claims.custom:tenant_id"
  tenant_id_for_public = "'${var.tenant_isolation_public_tenant_id}'"
  integration_parameters = {
    for key, m in local.api_methods : key => var.tenant_isolation_mode ? {
      (local.tenant_id_header) = m.authorized ? local.tenant_id_from_claim : local.tenant_id_for_public
    } : null
  }
}

resource "aws_api_gateway_method" "this" {
  for_each      = local.api_methods
  rest_api_id   = aws_api_gateway_rest_api.this.id
  resource_id   = each.value.resource_id
  http_method   = each.value.method
  authorization = each.value.authorized ? "COGNITO_USER_POOLS" : "NONE"
  authorizer_id = each.value.authorized ? aws_api_gateway_authorizer.cognito.id : null
}

resource "aws_api_gateway_integration" "this" {
  for_each                = local.api_methods
  rest_api_id             = aws_api_gateway_rest_api.this.id
  resource_id             = each.value.resource_id
  http_method             = aws_api_gateway_method.this[each.key].http_method
  type                    = "AWS_PROXY"
  integration_http_method = "POST"
  uri                     = aws_lambda_function.api.invoke_arn
  timeout_milliseconds    = 29000
  request_parameters      = local.integration_parameters[each.key]
}

# Authorizer rejections (401/403) and throttling (429) come from API Gateway,
# not the function: give them CORS headers too, or browsers hide the status.
resource "aws_api_gateway_gateway_response" "cors" {
  for_each      = length(var.cors_allow_origins) == 1 ? toset(["DEFAULT_4XX", "DEFAULT_5XX"]) : toset([])
  rest_api_id   = aws_api_gateway_rest_api.this.id
  response_type = each.value
  response_parameters = {
    "gatewayresponse.header.Access-Control-Allow-Origin"  = "'${var.cors_allow_origins[0]}'"
    "gatewayresponse.header.Access-Control-Allow-Headers" = "'Authorization,Content-Type'"
    "gatewayresponse.header.Vary"                         = "'Origin'"
  }
}

resource "aws_api_gateway_deployment" "this" {
  rest_api_id = aws_api_gateway_rest_api.this.id

  triggers = {
    redeployment = sha1(jsonencode([
      aws_api_gateway_rest_api.this.binary_media_types,
      aws_api_gateway_authorizer.cognito,
      aws_api_gateway_resource.health,
      aws_api_gateway_resource.proxy,
      aws_api_gateway_method.this,
      aws_api_gateway_integration.this,
      aws_api_gateway_gateway_response.cors,
    ]))
  }

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_cloudwatch_log_group" "api_access" {
  name              = "/aws/apigateway/${var.name}/${var.environment}/access"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.logs_kms_key_arn
}

resource "aws_api_gateway_stage" "this" {
  rest_api_id          = aws_api_gateway_rest_api.this.id
  deployment_id        = aws_api_gateway_deployment.this.id
  stage_name           = var.environment
  xray_tracing_enabled = var.api_xray_tracing

  access_log_settings {
    destination_arn = aws_cloudwatch_log_group.api_access.arn
    format = jsonencode({
      requestId          = "$context.requestId"
      extendedRequestId  = "$context.extendedRequestId"
      requestTime        = "$context.requestTime"
      ip                 = "$context.identity.sourceIp"
      userAgent          = "$context.identity.userAgent"
      httpMethod         = "$context.httpMethod"
      resourcePath       = "$context.resourcePath"
      path               = "$context.path"
      status             = "$context.status"
      protocol           = "$context.protocol"
      responseLength     = "$context.responseLength"
      responseLatency    = "$context.responseLatency"
      integrationLatency = "$context.integrationLatency"
      integrationStatus  = "$context.integration.status"
      errorMessage       = "$context.error.message"
      authorizerError    = "$context.authorizer.error"
      sub                = "$context.authorizer.claims.sub"
      xrayTraceId        = "$context.xrayTraceId"
    })
  }

  depends_on = [aws_api_gateway_account.this]
}

resource "aws_api_gateway_method_settings" "all" {
  rest_api_id = aws_api_gateway_rest_api.this.id
  stage_name  = aws_api_gateway_stage.this.stage_name
  method_path = "*/*"

  settings {
    metrics_enabled        = true
    logging_level          = "ERROR"
    data_trace_enabled     = false
    throttling_rate_limit  = var.api_throttling_rate_limit
    throttling_burst_limit = var.api_throttling_burst_limit
  }
}

resource "aws_lambda_permission" "api_gateway" {
  statement_id  = "AllowApiGatewayInvoke"
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.api.function_name
  principal     = "apigateway.amazonaws.com"
  source_arn    = "${aws_api_gateway_rest_api.this.execution_arn}/*/*"
}

# ---------------------------------------------------------------- account-level logging role

data "aws_iam_policy_document" "apigateway_assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["apigateway.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "apigateway_logs" {
  count              = var.manage_apigateway_account_logging_role ? 1 : 0
  name               = "${var.name}-apigateway-logs"
  assume_role_policy = data.aws_iam_policy_document.apigateway_assume.json
}

resource "aws_iam_role_policy_attachment" "apigateway_logs" {
  count      = var.manage_apigateway_account_logging_role ? 1 : 0
  role       = aws_iam_role.apigateway_logs[0].name
  policy_arn = "arn:${local.partition}:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs"
}

# Region-wide setting of the account: one per account and region.
resource "aws_api_gateway_account" "this" {
  count               = var.manage_apigateway_account_logging_role ? 1 : 0
  cloudwatch_role_arn = aws_iam_role.apigateway_logs[0].arn
  depends_on          = [aws_iam_role_policy_attachment.apigateway_logs]
}
