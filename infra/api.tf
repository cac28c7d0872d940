# REST API (payload format 1.0), Lambda proxy integration, built from the API
# contract openapi/openapi.yaml (OpenAPI 3.1).
#
# Routes: exactly the document's paths and operations (every path also has an
# `options` operation, the CORS preflight answered by the function). The
# operations the document puts under CognitoUserPool (its default `security`)
# get the Cognito user pool authorizer (ID token in Authorization); the
# `security: []` ones (GET /health, the preflights) are public. A path or
# method the document lacks never reaches the function: API Gateway answers
# it itself, 404 not_found (MISSING_AUTHENTICATION_TOKEN below), so a wrong
# method on a known path is 404 here, not the function's 405 with Allow.
#
# API Gateway imports OpenAPI 2.0 and 3.0.x only, so the document is not handed
# over as written: the locals below transform it (see "The transform") into a
# 3.0.1 document with API Gateway's extensions, and the REST API is imported
# from that (`body`). tests/infra/check_plan.py checks the result against the
# document: the same routes, the function's integration and the right
# validator on every operation, the authorizer exactly where the document
# wants a token, the gateway responses in its error envelope, and request
# models API Gateway can take.
#
# tenant_isolation_mode (off by default): every integration also sets the
# X-Amz-Tenant-Id header of Lambda's Invoke call, which a PER_TENANT function
# requires on every invoke. Authorised operations send the caller's
# custom:tenant_id claim (the bootstrap checks it equals the claim it parses);
# public operations have no claim and send the fixed
# tenant_isolation_public_tenant_id, so /health and preflights run in their own
# sandboxes and never in a tenant's. REST APIs only: an HTTP API cannot set
# this header.

locals {
  openapi_document = yamldecode(file("${path.module}/../openapi/openapi.yaml"))

  # ------------------------------------------------------------ The transform
  #
  # API Gateway imports OpenAPI 2.0 and 3.0.x only, and of those only a
  # subset (draft-4 models, alphanumeric model names, no response $ref, ...).
  # The document is the contract for people and tests; API Gateway gets the
  # part of it that it uses, as 3.0.1 with its extensions:
  #
  # 1. `openapi = "3.0.1"`; of the top level only info, tags, security, paths
  #    and components are kept, so the 3.1-only members (jsonSchemaDialect,
  #    webhooks, $schema) go, and so do `servers` (API Gateway makes its own
  #    invoke URL; a server URL's path would only feed the import's base-path
  #    handling), externalDocs and x-... . info loses the 3.1-only summary and
  #    license.identifier, and its title becomes var.name: the import renames
  #    the API to the title, and any other title would show as a diff on
  #    every plan.
  # 2. Every operation (the HTTP-method keys of a Path Item; `parameters`,
  #    `summary`, `description`, `servers`, `x-...` are not operations):
  #    - `security` made explicit: the operation's own, else the document's
  #      default. An import that ignored the root-level default would leave
  #      those operations without the authorizer.
  #    - `parameters`: the Path Item's and the operation's (the operation's win
  #      on the same `in` and name), each #/components/parameters/ reference
  #      replaced by the parameter itself. API Gateway keeps name, in and
  #      required (a missing required parameter is 400 at the gateway); it
  #      does not check their schemas, the function does.
  #    - `responses`: status and description only. A proxy integration passes
  #      the function's response through untouched, so the response schemas,
  #      headers and examples would only become unused models, with the
  #      constructs API Gateway cannot take (oneOf, type "null", examples,
  #      $ref siblings, #/components/responses references).
  #    - x-amazon-apigateway-integration: Lambda proxy (aws_proxy, POST to the
  #      function's invoke ARN, 29 s, when_no_match), plus the X-Amz-Tenant-Id
  #      mapping when tenant_isolation_mode is on.
  #    - x-amazon-apigateway-request-validator: "all" (parameters and body)
  #      when it has a requestBody (unless api_request_body_validation is
  #      off), else "params-only".
  # 3. components: securitySchemes, with CognitoUserPool (apiKey, header
  #    Authorization) turned into the Cognito user pool authorizer
  #    (x-amazon-apigateway-authtype / -authorizer), and the schemas the
  #    request bodies use, followed through $ref (api_model_names): they
  #    become API Gateway's models, what the "all" validator checks bodies
  #    against. Nothing else: responses, headers, parameters (inlined above)
  #    and examples are not needed.
  # 4. Top-level extensions: the two request validators, the gateway
  #    responses (error envelope, below), binary media types and the REGIONAL
  #    endpoint (also arguments of the resource; the same values in the body
  #    keep an import from ever flipping them).
  #
  # The request-body schemas are passed through as written: HCL has no
  # recursion, so no generic rewrite of nested JSON Schema (const -> enum,
  # numeric exclusiveMinimum, ...). check_plan.py fails the offline plan
  # when they use a keyword API Gateway's draft-4 models cannot take
  # (infra/README.md, "The API contract"). `type: [T, "null"]` is allowed
  # (draft 4 has type arrays).

  openapi_operation_keys = ["get", "put", "post", "delete", "options", "head", "patch", "trace"]
  api_cognito_scheme     = "CognitoUserPool"

  # The two ARNs exist only after apply. The document is built with these
  # stand-ins, so it is fully known at plan time (check_plan.py reads it with
  # `terraform console`), and the REST API's `body` swaps in the real ARNs:
  # the body API Gateway imports is this document with exactly these two
  # strings replaced (ARNs hold no character jsonencode escapes).
  api_arn_placeholders = {
    lambda_invoke_arn = "arn:placeholder:lambda-invoke-arn"
    user_pool_arn     = "arn:placeholder:cognito-user-pool-arn"
  }

  openapi_components = try(local.openapi_document.components, {})

  # { path = { method = operation } }, operations only.
  openapi_operations = {
    for path, item in local.openapi_document.paths : path => {
      for method, op in item : method => op if contains(local.openapi_operation_keys, method)
    }
  }

  # The requirement each operation is under: its own `security`, else the
  # document's. Authorised = a requirement names a scheme (`security: []` and
  # `[{}]` are public).
  api_operation_security = {
    for path, ops in local.openapi_operations : path => {
      for method, op in ops : method => try(op.security, local.openapi_document.security, [])
    }
  }
  api_operation_authorised = {
    for path, ops in local.api_operation_security : path => {
      for method, security in ops : method => length(flatten([for requirement in security : keys(requirement)])) > 0
    }
  }
  api_operation_schemes = distinct(flatten([
    for path, ops in local.api_operation_security : [
      for method, security in ops : [for requirement in security : keys(requirement)]
    ]
  ]))

  # The Path Item's parameters and the operation's, keyed by `in` and name
  # (the operation's win), #/components/parameters/ references resolved.
  api_operation_parameters = {
    for path, ops in local.openapi_operations : path => {
      for method, op in ops : method => values(merge(
        [
          for p in concat(try(local.openapi_document.paths[path].parameters, []), try(op.parameters, [])) : {
            for resolved in [try(local.openapi_components.parameters[trimprefix(p["$ref"], "#/components/parameters/")], p)] :
            try("${resolved.in}:${resolved.name}", resolved["$ref"]) => resolved
          }
        ]...
      ))
    }
  }

  # Integration request parameter mapping: context variable without "$"; a
  # static value in single quotes.
  tenant_id_header     = "integration.request.header.X-Amz-Tenant-Id"
  tenant_id_from_claim = "context.authorizer.claims.custom:tenant_id"
  tenant_id_for_public = "'${var.tenant_isolation_public_tenant_id}'"

  api_integration = {
    type                = "aws_proxy"
    httpMethod          = "POST" # Lambda's Invoke API, whatever the client's method
    uri                 = local.api_arn_placeholders.lambda_invoke_arn
    timeoutInMillis     = 29000
    passthroughBehavior = "when_no_match"
  }

  api_paths = {
    for path, ops in local.openapi_operations : path => {
      for method, op in ops : method => merge(
        # operationId, summary, description, tags, requestBody, x-... as written.
        { for key, value in op : key => value if !contains(["security", "parameters", "responses", "callbacks", "servers"], key) },
        { for key, value in { parameters = local.api_operation_parameters[path][method] } : key => value if length(value) > 0 },
        {
          security = local.api_operation_security[path][method]
          responses = {
            for status, response in op.responses : status => {
              description = try(
                response.description,
                local.openapi_components.responses[trimprefix(response["$ref"], "#/components/responses/")].description,
                "See openapi/openapi.yaml.",
              )
            }
          }
          "x-amazon-apigateway-request-validator" = can(op.requestBody) && var.api_request_body_validation ? "all" : "params-only"
          "x-amazon-apigateway-integration" = merge(local.api_integration, {
            for key, value in {
              requestParameters = {
                (local.tenant_id_header) = local.api_operation_authorised[path][method] ? local.tenant_id_from_claim : local.tenant_id_for_public
              }
            } : key => value if var.tenant_isolation_mode
          })
        },
      )
    }
  }

  # The schemas the request bodies name, and the schemas those name, four
  # $ref levels deep (check_plan.py fails if a referenced schema is left
  # out, i.e. if the contract ever nests deeper).
  api_schema_ref        = "#/components/schemas/([A-Za-z0-9_.-]+)"
  api_request_bodies    = [for path, ops in local.openapi_operations : [for method, op in ops : try(op.requestBody, null)]]
  api_model_names_0     = distinct(flatten(regexall(local.api_schema_ref, jsonencode(local.api_request_bodies))))
  api_model_names_1     = distinct(concat(local.api_model_names_0, flatten(regexall(local.api_schema_ref, jsonencode([for name in local.api_model_names_0 : lookup(local.api_component_schemas, name, null)])))))
  api_model_names_2     = distinct(concat(local.api_model_names_1, flatten(regexall(local.api_schema_ref, jsonencode([for name in local.api_model_names_1 : lookup(local.api_component_schemas, name, null)])))))
  api_model_names       = distinct(concat(local.api_model_names_2, flatten(regexall(local.api_schema_ref, jsonencode([for name in local.api_model_names_2 : lookup(local.api_component_schemas, name, null)])))))
  api_component_schemas = try(local.openapi_components.schemas, {})

  api_security_schemes = try(local.openapi_components.securitySchemes, {})

  # ------------------------------------------------------------ Gateway responses
  #
  # Errors API Gateway answers itself (validator, authorizer, unknown route,
  # throttling, integration failures) keep the contract's ErrorEnvelope
  # {"error":{"code","message","requestId","details"?}} with a code from its
  # ErrorCode enum (check_plan.py validates each against the document).
  # Gateway response templates are not VTL: only $context variables are
  # substituted, nothing can be escaped or branched on, so:
  # - $context.error.messageString is already a quoted, escaped JSON string
  #   (no quotes around it here);
  # - $context.error.validationErrorString (the validator's own words) is NOT
  #   put in the body: it is raw text that holds double quotes (`object has
  #   missing required properties (["email"])`) and would break the JSON. The
  #   access log has it (validationError). A validation failure says what was
  #   wrong in `details` with the gateway's message ("Invalid request body",
  #   "Missing required request parameters: [id]"), a string as the
  #   contract's ErrorDetails allows for gateway answers, and the function's
  #   message for this code;
  # - one code per response type, each the contract's code for that status.
  # MISSING_AUTHENTICATION_TOKEN is what API Gateway answers (403 by default)
  # to a path, or a method of a path, that the document lacks: it becomes
  # `404 not_found` like the function's unknown route (a wrong method is 404
  # here, not the function's 405 with Allow: the gateway cannot tell the two
  # apart). DEFAULT_4XX covers the 4XX types not listed (INVALID_API_KEY,
  # WAF_FILTERED, INVALID_SIGNATURE, EXPIRED_TOKEN; 403 by default) with the
  # contract's catch-all `bad_request`. DEFAULT_5XX (the function failing the
  # invocation: 502; integration failure, authorizer or API configuration
  # errors) is `internal_error`, keeping the type's own status.
  api_gateway_errors = {
    BAD_REQUEST_BODY             = { status = "400", code = "validation_failed", message = jsonencode("The request is invalid"), details = "$context.error.messageString" }
    BAD_REQUEST_PARAMETERS       = { status = "400", code = "validation_failed", message = jsonencode("The request is invalid"), details = "$context.error.messageString" }
    UNAUTHORIZED                 = { status = "401", code = "unauthorized", message = "$context.error.messageString" }
    ACCESS_DENIED                = { status = "403", code = "forbidden", message = "$context.error.messageString" }
    MISSING_AUTHENTICATION_TOKEN = { status = "404", code = "not_found", message = jsonencode("No route for this path") }
    RESOURCE_NOT_FOUND           = { status = "404", code = "not_found", message = "$context.error.messageString" }
    REQUEST_TOO_LARGE            = { status = "413", code = "payload_too_large", message = "$context.error.messageString" }
    UNSUPPORTED_MEDIA_TYPE       = { status = "415", code = "unsupported_media_type", message = "$context.error.messageString" }
    THROTTLED                    = { status = "429", code = "throttled", message = "$context.error.messageString" }
    QUOTA_EXCEEDED               = { status = "429", code = "throttled", message = "$context.error.messageString" }
    INTEGRATION_TIMEOUT          = { status = "504", code = "timeout", message = "$context.error.messageString" }
    DEFAULT_4XX                  = { status = null, code = "bad_request", message = "$context.error.messageString" }
    DEFAULT_5XX                  = { status = null, code = "internal_error", message = "$context.error.messageString" }
  }

  # Browsers hide a cross-origin response without CORS headers, so the
  # gateway's own answers carry them too. A gateway response can only send a
  # static origin, hence only when exactly one origin is configured (with
  # several, only the function can pick the caller's; here none is sent).
  api_gateway_cors_headers = {
    for header, value in {
      "gatewayresponse.header.Access-Control-Allow-Origin"  = "'${try(var.cors_allow_origins[0], "")}'"
      "gatewayresponse.header.Access-Control-Allow-Headers" = "'Authorization,Content-Type'"
      "gatewayresponse.header.Vary"                         = "'Origin'"
    } : header => value if length(var.cors_allow_origins) == 1
  }

  api_gateway_responses = {
    for type, e in local.api_gateway_errors : type => merge(
      { for key, value in { statusCode = e.status } : key => value if value != null },
      {
        responseParameters = local.api_gateway_cors_headers
        responseTemplates = {
          "application/json" = format(
            "{\"error\":{\"code\":%s,%s\"message\":%s,\"requestId\":\"$context.requestId\"}}",
            jsonencode(e.code), try(format("\"details\":%s,", e.details), ""), e.message,
          )
        }
      },
    )
  }

  # ------------------------------------------------------------ The document

  api_definition = {
    openapi = "3.0.1"
    info = merge(
      { for key, value in local.openapi_document.info : key => value if !contains(["summary", "license"], key) },
      { for key, value in { license = try(local.openapi_document.info.license, null) } :
      key => { for k, v in value : k => v if k != "identifier" } if value != null },
      { title = var.name },
    )
    tags     = try(local.openapi_document.tags, [])
    security = try(local.openapi_document.security, [])
    paths    = local.api_paths
    components = {
      schemas = { for name, schema in local.api_component_schemas : name => schema if contains(local.api_model_names, name) }
      securitySchemes = merge(local.api_security_schemes, {
        for name, scheme in local.api_security_schemes : name => merge(scheme, {
          "x-amazon-apigateway-authtype" = "cognito_user_pools"
          "x-amazon-apigateway-authorizer" = {
            type         = "cognito_user_pools"
            providerARNs = [local.api_arn_placeholders.user_pool_arn]
          }
        }) if name == local.api_cognito_scheme
      })
    }
    "x-amazon-apigateway-request-validators" = {
      "params-only" = { validateRequestParameters = true, validateRequestBody = false }
      "all"         = { validateRequestParameters = true, validateRequestBody = true }
    }
    "x-amazon-apigateway-gateway-responses"      = local.api_gateway_responses
    "x-amazon-apigateway-binary-media-types"     = var.api_binary_media_types
    "x-amazon-apigateway-endpoint-configuration" = { types = ["REGIONAL"] }
  }
}

resource "aws_api_gateway_rest_api" "this" {
  name               = var.name
  description        = "ShopPulse API"
  binary_media_types = var.api_binary_media_types
  # The document with the real ARNs for the two placeholders.
  body = replace(
    replace(
      jsonencode(local.api_definition),
      local.api_arn_placeholders.lambda_invoke_arn, aws_lambda_function.api.invoke_arn,
    ),
    local.api_arn_placeholders.user_pool_arn, aws_cognito_user_pool.this.arn,
  )

  # overwrite, deliberately (PutRestApi's own default is merge): the document
  # is the whole API. A path, method, validator or gateway response taken out
  # of the document disappears from the API on the next apply, and anything
  # changed by hand is reset; merge would keep every route ever imported
  # (and the pre-issue-19 `ANY /{proxy+}`) answering forever. That is also
  # why the gateway responses live in the body and not in
  # aws_api_gateway_gateway_response resources: an overwrite import resets
  # the responses it does not carry, behind Terraform's back
  # (aws/aws-cdk#28652). The endpoint type and binary media types are in the
  # body too, so an import never flips them.
  put_rest_api_mode = "overwrite"

  endpoint_configuration {
    types = ["REGIONAL"]
  }

  lifecycle {
    precondition {
      condition     = contains(keys(local.api_security_schemes), local.api_cognito_scheme)
      error_message = "openapi/openapi.yaml: components.securitySchemes.${local.api_cognito_scheme} is missing (it becomes the Cognito authorizer)."
    }
    precondition {
      condition     = length(setsubtract(local.api_operation_schemes, [local.api_cognito_scheme])) == 0
      error_message = "openapi/openapi.yaml: operations may only require ${local.api_cognito_scheme} (the one authorizer); found ${join(", ", local.api_operation_schemes)}."
    }
  }
}

# The resources of the stack before issue 19 (one authorised catch-all, its
# authorizer, CORS-only gateway responses): on an existing stack Terraform
# only forgets them. The first overwrite import replaces the routes and the
# DEFAULT_4XX/5XX responses (the old authorizer may stay, unused). Destroying
# them instead could run after the import, and deleting a gateway response
# resets it to API Gateway's default: DEFAULT_4XX/5XX would lose the error
# envelope until the body next changes. On a new stack these do nothing.
removed {
  from = aws_api_gateway_authorizer.cognito
  lifecycle {
    destroy = false
  }
}

removed {
  from = aws_api_gateway_resource.health
  lifecycle {
    destroy = false
  }
}

removed {
  from = aws_api_gateway_resource.proxy
  lifecycle {
    destroy = false
  }
}

removed {
  from = aws_api_gateway_method.this
  lifecycle {
    destroy = false
  }
}

removed {
  from = aws_api_gateway_integration.this
  lifecycle {
    destroy = false
  }
}

removed {
  from = aws_api_gateway_gateway_response.cors
  lifecycle {
    destroy = false
  }
}

resource "aws_api_gateway_deployment" "this" {
  rest_api_id = aws_api_gateway_rest_api.this.id

  # The body is the whole API (routes, integrations, authorizer, validators,
  # gateway responses): a new deployment whenever it changes.
  triggers = {
    redeployment = sha1(jsonencode([
      aws_api_gateway_rest_api.this.body,
      aws_api_gateway_rest_api.this.binary_media_types,
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
      responseType       = "$context.error.responseType"
      validationError    = "$context.error.validationErrorString"
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

# Any stage, method and resource path of this API (the source ARN is
# <execution_arn>/<stage>/<METHOD>/<path>; `*` also matches "/", so
# /users/{id} is covered): the routes come from the document, and the console's
# test invoke uses a stage of its own.
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
