# Realistic values for what the configuration reads back from AWS; everything else
# the mock provider fills with random strings.

mock_data "aws_caller_identity" {
  defaults = {
    account_id = "123456789012"
  }
}

mock_data "aws_ssm_parameter" {
  defaults = {
    insecure_value = "ami-0123456789abcdef0"
  }
}

mock_resource "aws_db_instance" {
  defaults = {
    address = "rds-memcached-dev.abcdefghijkl.ap-northeast-1.rds.amazonaws.com"
    master_user_secret = [{
      secret_arn    = "arn:aws:secretsmanager:ap-northeast-1:123456789012:secret:rds!db-0000-aaaa-AbCdEf"
      secret_status = "active"
      kms_key_id    = "arn:aws:kms:ap-northeast-1:123456789012:key/00000000-0000-0000-0000-000000000000"
    }]
  }
}

mock_resource "aws_elasticache_cluster" {
  defaults = {
    cache_nodes = [
      { id = "0001", address = "rds-memcached-dev-memcached.abc123.0001.apne1.cache.amazonaws.com", port = 11211, availability_zone = "ap-northeast-1a", outpost_arn = "" },
      { id = "0002", address = "rds-memcached-dev-memcached.abc123.0002.apne1.cache.amazonaws.com", port = 11211, availability_zone = "ap-northeast-1c", outpost_arn = "" },
    ]
  }
}

mock_resource "aws_ecr_repository" {
  defaults = {
    repository_url = "123456789012.dkr.ecr.ap-northeast-1.amazonaws.com/rds-memcached-dev"
  }
}

mock_resource "aws_lb" {
  defaults = {
    arn        = "arn:aws:elasticloadbalancing:ap-northeast-1:123456789012:loadbalancer/app/rds-memcached-dev/0123456789abcdef"
    dns_name   = "rds-memcached-dev-123456789.ap-northeast-1.elb.amazonaws.com"
    arn_suffix = "app/rds-memcached-dev/0123456789abcdef"
  }
}

mock_resource "aws_lb_target_group" {
  defaults = {
    arn        = "arn:aws:elasticloadbalancing:ap-northeast-1:123456789012:targetgroup/rds-memcached-dev/0123456789abcdef"
    arn_suffix = "targetgroup/rds-memcached-dev/0123456789abcdef"
  }
}

mock_resource "aws_iam_role" {
  defaults = {
    arn = "arn:aws:iam::123456789012:role/rds-memcached-dev-role"
  }
}

# Nothing here reads the secret's value. Should anyone add that, this marker makes
# the "outputs carry no password" test catch it leaking into an output.
mock_data "aws_secretsmanager_secret_version" {
  defaults = {
    secret_string = "{\"username\":\"admin\",\"password\":\"MOCK-DB-PASSWORD\"}"
  }
}

# key_name is computed: without this default the mock would invent a key pair name.
mock_resource "aws_instance" {
  defaults = {
    key_name = ""
  }
}

# The provider checks that these are ARNs where they are referenced (listener rules, alarm
# actions, the WAF association). Both listeners get this one; a run that must tell them apart
# overrides the HTTPS listener's.
mock_resource "aws_lb_listener" {
  defaults = {
    arn = "arn:aws:elasticloadbalancing:ap-northeast-1:123456789012:listener/app/rds-memcached-dev/0123456789abcdef/0000000000000080"
  }
}

mock_resource "aws_sns_topic" {
  defaults = {
    arn = "arn:aws:sns:ap-northeast-1:123456789012:rds-memcached-dev-alarms"
  }
}

mock_resource "aws_wafv2_web_acl" {
  defaults = {
    arn = "arn:aws:wafv2:ap-northeast-1:123456789012:regional/webacl/rds-memcached-dev/00000000-0000-0000-0000-000000000000"
  }
}
