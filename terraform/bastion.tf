# Break-glass only (bastion_enabled, default false): a private instance reached only through SSM
# Session Manager, no key pair, no public address, no inbound rule, to forward a local port to
# RDS. Migrations need none of it: they run as an ECS task (migrate.tf, bin/deploy).

locals {
  # The AMI follows cpu_architecture, so must the instance type (an arm64 AMI does not boot on x86).
  bastion_instance_type = coalesce(var.bastion_instance_type, var.cpu_architecture == "ARM64" ? "t4g.micro" : "t3.micro")
}

data "aws_ssm_parameter" "al2023_ami" {
  count = var.bastion_enabled ? 1 : 0
  name  = "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-${var.cpu_architecture == "ARM64" ? "arm64" : "x86_64"}"
}

resource "aws_instance" "bastion" {
  count = var.bastion_enabled ? 1 : 0

  ami                         = data.aws_ssm_parameter.al2023_ami[0].insecure_value
  instance_type               = local.bastion_instance_type
  subnet_id                   = aws_subnet.private[var.availability_zones[0]].id
  vpc_security_group_ids      = [aws_security_group.main["bastion"].id]
  iam_instance_profile        = aws_iam_instance_profile.bastion[0].name
  associate_public_ip_address = false

  metadata_options {
    http_tokens   = "required"
    http_endpoint = "enabled"
  }

  root_block_device {
    encrypted   = true
    volume_type = "gp3"
  }

  tags = { Name = "${local.name}-bastion" }

  lifecycle {
    # A newer AMI alone is no reason to replace the bastion.
    ignore_changes = [ami]
  }

  # Session Manager needs a route out (SSM endpoints) before the agent registers.
  depends_on = [aws_route.private_nat]
}
