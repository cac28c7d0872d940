# VPC: public subnets (NAT gateway only), private subnets (Lambda ENIs, RDS
# Proxy; outbound through NAT to Secrets Manager and QuickSight), isolated
# subnets (RDS; no route out of the VPC).

resource "aws_vpc" "this" {
  count                = var.create_vpc ? 1 : 0
  cidr_block           = var.vpc_cidr
  enable_dns_support   = true
  enable_dns_hostnames = true
  tags                 = { Name = var.name }
}

resource "aws_internet_gateway" "this" {
  count  = var.create_vpc ? 1 : 0
  vpc_id = aws_vpc.this[0].id
  tags   = { Name = var.name }
}

resource "aws_subnet" "public" {
  count             = var.create_vpc ? length(local.azs) : 0
  vpc_id            = aws_vpc.this[0].id
  availability_zone = local.azs[count.index]
  cidr_block        = cidrsubnet(var.vpc_cidr, 8, count.index)
  tags              = { Name = "${var.name}-public-${local.azs[count.index]}", Tier = "public" }
}

resource "aws_subnet" "private" {
  count             = var.create_vpc ? length(local.azs) : 0
  vpc_id            = aws_vpc.this[0].id
  availability_zone = local.azs[count.index]
  cidr_block        = cidrsubnet(var.vpc_cidr, 8, 10 + count.index)
  tags              = { Name = "${var.name}-private-${local.azs[count.index]}", Tier = "private" }
}

resource "aws_subnet" "isolated" {
  count             = var.create_vpc ? length(local.azs) : 0
  vpc_id            = aws_vpc.this[0].id
  availability_zone = local.azs[count.index]
  cidr_block        = cidrsubnet(var.vpc_cidr, 8, 20 + count.index)
  tags              = { Name = "${var.name}-isolated-${local.azs[count.index]}", Tier = "isolated" }
}

resource "aws_eip" "nat" {
  count  = var.create_vpc ? 1 : 0
  domain = "vpc"
  tags   = { Name = "${var.name}-nat" }
}

# One NAT gateway keeps cost down; an AZ outage then cuts the function's AWS
# API access (not its database) in the other AZ.
resource "aws_nat_gateway" "this" {
  count         = var.create_vpc ? 1 : 0
  allocation_id = aws_eip.nat[0].id
  subnet_id     = aws_subnet.public[0].id
  tags          = { Name = var.name }
  depends_on    = [aws_internet_gateway.this]
}

resource "aws_route_table" "public" {
  count  = var.create_vpc ? 1 : 0
  vpc_id = aws_vpc.this[0].id
  tags   = { Name = "${var.name}-public" }
}

resource "aws_route" "public_internet" {
  count                  = var.create_vpc ? 1 : 0
  route_table_id         = aws_route_table.public[0].id
  destination_cidr_block = "0.0.0.0/0"
  gateway_id             = aws_internet_gateway.this[0].id
}

resource "aws_route_table_association" "public" {
  count          = var.create_vpc ? length(local.azs) : 0
  subnet_id      = aws_subnet.public[count.index].id
  route_table_id = aws_route_table.public[0].id
}

resource "aws_route_table" "private" {
  count  = var.create_vpc ? 1 : 0
  vpc_id = aws_vpc.this[0].id
  tags   = { Name = "${var.name}-private" }
}

resource "aws_route" "private_nat" {
  count                  = var.create_vpc ? 1 : 0
  route_table_id         = aws_route_table.private[0].id
  destination_cidr_block = "0.0.0.0/0"
  nat_gateway_id         = aws_nat_gateway.this[0].id
}

resource "aws_route_table_association" "private" {
  count          = var.create_vpc ? length(local.azs) : 0
  subnet_id      = aws_subnet.private[count.index].id
  route_table_id = aws_route_table.private[0].id
}

# Isolated: the VPC-local route only.
resource "aws_route_table" "isolated" {
  count  = var.create_vpc ? 1 : 0
  vpc_id = aws_vpc.this[0].id
  tags   = { Name = "${var.name}-isolated" }
}

resource "aws_route_table_association" "isolated" {
  count          = var.create_vpc ? length(local.azs) : 0
  subnet_id      = aws_subnet.isolated[count.index].id
  route_table_id = aws_route_table.isolated[0].id
}

# ---------------------------------------------------------------- security groups

resource "aws_security_group" "lambda" {
  name        = "${var.name}-lambda"
  description = "ShopPulse API function: HTTPS to AWS APIs, PostgreSQL to the proxy"
  vpc_id      = local.vpc_id
  tags        = { Name = "${var.name}-lambda" }
}

resource "aws_vpc_security_group_egress_rule" "lambda_https" {
  security_group_id = aws_security_group.lambda.id
  description       = "AWS APIs (Secrets Manager, QuickSight) through NAT or VPC endpoints"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = "0.0.0.0/0"
}

resource "aws_vpc_security_group_egress_rule" "lambda_db" {
  security_group_id            = aws_security_group.lambda.id
  description                  = "PostgreSQL"
  ip_protocol                  = "tcp"
  from_port                    = 5432
  to_port                      = 5432
  referenced_security_group_id = var.create_database ? aws_security_group.proxy[0].id : var.existing_db_security_group_id
  cidr_ipv4                    = var.create_database || var.existing_db_security_group_id != null ? null : "0.0.0.0/0"
}

resource "aws_vpc_security_group_ingress_rule" "existing_db_from_lambda" {
  count                        = !var.create_database && var.existing_db_security_group_id != null ? 1 : 0
  security_group_id            = var.existing_db_security_group_id
  description                  = "ShopPulse API function"
  ip_protocol                  = "tcp"
  from_port                    = 5432
  to_port                      = 5432
  referenced_security_group_id = aws_security_group.lambda.id
}

resource "aws_security_group" "proxy" {
  count       = var.create_database ? 1 : 0
  name        = "${var.name}-rds-proxy"
  description = "RDS Proxy: PostgreSQL from the function, to the database"
  vpc_id      = local.vpc_id
  tags        = { Name = "${var.name}-rds-proxy" }
}

resource "aws_vpc_security_group_ingress_rule" "proxy_from_lambda" {
  count                        = var.create_database ? 1 : 0
  security_group_id            = aws_security_group.proxy[0].id
  description                  = "ShopPulse API and migration functions"
  ip_protocol                  = "tcp"
  from_port                    = 5432
  to_port                      = 5432
  referenced_security_group_id = aws_security_group.lambda.id
}

resource "aws_vpc_security_group_egress_rule" "proxy_to_db" {
  count                        = var.create_database ? 1 : 0
  security_group_id            = aws_security_group.proxy[0].id
  description                  = "PostgreSQL instance"
  ip_protocol                  = "tcp"
  from_port                    = 5432
  to_port                      = 5432
  referenced_security_group_id = aws_security_group.db[0].id
}

resource "aws_vpc_security_group_egress_rule" "proxy_https" {
  count             = var.create_database ? 1 : 0
  security_group_id = aws_security_group.proxy[0].id
  description       = "Secrets Manager (the proxy reads the database secrets)"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = "0.0.0.0/0"
}

resource "aws_security_group" "db" {
  count       = var.create_database ? 1 : 0
  name        = "${var.name}-db"
  description = "RDS PostgreSQL: only from RDS Proxy"
  vpc_id      = local.vpc_id
  tags        = { Name = "${var.name}-db" }
}

resource "aws_vpc_security_group_ingress_rule" "db_from_proxy" {
  count                        = var.create_database ? 1 : 0
  security_group_id            = aws_security_group.db[0].id
  description                  = "RDS Proxy"
  ip_protocol                  = "tcp"
  from_port                    = 5432
  to_port                      = 5432
  referenced_security_group_id = aws_security_group.proxy[0].id
}
