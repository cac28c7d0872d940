output "api_url" {
  description = "Invoke URL of the API stage (append /health, /users, ...)."
  value       = aws_api_gateway_stage.this.invoke_url
}

output "user_pool_id" {
  description = "Cognito user pool id."
  value       = aws_cognito_user_pool.this.id
}

output "user_pool_arn" {
  description = "Cognito user pool ARN."
  value       = aws_cognito_user_pool.this.arn
}

output "user_pool_client_id" {
  description = "Cognito app client id (no secret; SRP for browsers)."
  value       = aws_cognito_user_pool_client.web.id
}

output "function_name" {
  description = "The API function."
  value       = aws_lambda_function.api.function_name
}

output "migrate_function_name" {
  description = "Invoke with {\"action\":\"migrate\"} after each deploy."
  value       = aws_lambda_function.migrate.function_name
}

output "function_log_group" {
  description = "The API function's log group."
  value       = aws_cloudwatch_log_group.api_function.name
}

output "db_app_secret_arn" {
  description = "Secret of the app login (RDS JSON form) the API function reads."
  value       = local.app_secret_arn
}

output "db_master_secret_arn" {
  description = "RDS-managed secret of the schema owner (null when the database is not created here)."
  value       = var.create_database ? aws_db_instance.this[0].master_user_secret[0].secret_arn : null
}

output "db_proxy_endpoint" {
  description = "RDS Proxy endpoint (TLS required)."
  value       = var.create_database ? aws_db_proxy.this[0].endpoint : null
}

output "lambda_security_group_id" {
  description = "Security group of the functions (allow it into an existing database)."
  value       = aws_security_group.lambda.id
}

output "vpc_id" {
  description = "VPC of the functions."
  value       = local.vpc_id
}

output "private_subnet_ids" {
  description = "Subnets of the functions and RDS Proxy."
  value       = local.private_subnet_ids
}
