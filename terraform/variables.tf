variable "region" {
  description = "AWS region."
  type        = string
  default     = "ap-northeast-1"
}

variable "project" {
  description = "Project name, the first part of every resource name."
  type        = string
  default     = "rds-memcached"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,20}$", var.project))
    error_message = "project must be 2-21 lower-case letters, digits or dashes (ALB and target group names are limited to 32 characters)."
  }
}

variable "environment" {
  description = "Environment name, the second part of every resource name."
  type        = string
  default     = "dev"

  validation {
    condition     = can(regex("^[a-z][a-z0-9]{0,7}$", var.environment))
    error_message = "environment must be 1-8 lower-case letters or digits."
  }
}

variable "tags" {
  description = "Extra tags for every resource (Project, Environment and ManagedBy are always set)."
  type        = map(string)
  default     = {}
}

# Network

variable "vpc_cidr" {
  description = "CIDR block of the VPC; public and private /24 subnets are cut from it."
  type        = string
  default     = "10.0.0.0/16"
}

variable "availability_zones" {
  description = "Availability zones to spread subnets over (ap-northeast-1b is not available to most accounts)."
  type        = list(string)
  default     = ["ap-northeast-1a", "ap-northeast-1c", "ap-northeast-1d"]

  validation {
    condition     = length(var.availability_zones) >= 2 && alltrue([for az in var.availability_zones : startswith(az, var.region)])
    error_message = "Give at least two availability zones, all in var.region (RDS and the ALB need two)."
  }
}

variable "single_nat_gateway" {
  description = "One NAT gateway shared by all private subnets (cheap) instead of one per availability zone (survives the loss of a zone)."
  type        = bool
  default     = true
}

# Load balancer

variable "alb_ingress_cidrs" {
  description = "IPv4 CIDR blocks allowed to reach the load balancer's listeners."
  type        = list(string)
  default     = ["0.0.0.0/0"]
}

variable "certificate_arn" {
  description = "ACM certificate ARN. When set, an HTTPS listener on 443 serves the app and port 80 redirects to it."
  type        = string
  default     = null

  validation {
    condition     = var.certificate_arn == null || can(regex("^arn:aws[a-z-]*:acm:", var.certificate_arn))
    error_message = "certificate_arn must be an ACM certificate ARN."
  }
}

variable "ssl_policy" {
  description = "TLS policy of the HTTPS listener."
  type        = string
  default     = "ELBSecurityPolicy-TLS13-1-2-2021-06"
}

variable "health_check_path" {
  description = "Path checked by the target group and the container health check: readiness covers the DB and memcached."
  type        = string
  default     = "/health/ready"
}

# Application (ECS)

variable "image_tag" {
  description = "Tag of the application image in the ECR repository."
  type        = string
  default     = "latest"
}

variable "container_port" {
  description = "HTTP port of Payara Micro in the container (passed to the app as PORT)."
  type        = number
  default     = 8080
}

variable "task_cpu" {
  description = "Fargate task CPU units."
  type        = number
  default     = 256
}

variable "task_memory" {
  description = "Fargate task memory in MiB."
  type        = number
  default     = 512
}

variable "cpu_architecture" {
  description = "CPU architecture of the image: X86_64 or ARM64."
  type        = string
  default     = "X86_64"

  validation {
    condition     = contains(["X86_64", "ARM64"], var.cpu_architecture)
    error_message = "cpu_architecture must be X86_64 or ARM64."
  }
}

variable "desired_count" {
  description = "Tasks started with the service; auto scaling moves it between min_capacity and max_capacity afterwards."
  type        = number
  default     = 1

  validation {
    condition     = var.desired_count >= var.min_capacity && var.desired_count <= var.max_capacity
    error_message = "desired_count must lie between min_capacity and max_capacity."
  }
}

variable "min_capacity" {
  description = "Fewest tasks auto scaling keeps."
  type        = number
  default     = 1

  validation {
    condition     = var.min_capacity >= 1
    error_message = "min_capacity must be at least 1."
  }
}

variable "max_capacity" {
  description = "Most tasks auto scaling starts."
  type        = number
  default     = 4

  validation {
    condition     = var.max_capacity >= var.min_capacity && var.max_capacity <= 20
    error_message = "max_capacity must be between min_capacity and 20."
  }
}

variable "cpu_target_percent" {
  description = "Target average CPU utilisation of the service for auto scaling."
  type        = number
  default     = 60
}

variable "requests_per_target" {
  description = "Target ALB requests per task per minute for auto scaling."
  type        = number
  default     = 1000
}

variable "health_check_grace_period_seconds" {
  description = "Seconds the service ignores failing load balancer checks after a task starts (Payara Micro on 0.25 vCPU starts slowly)."
  type        = number
  default     = 120
}

variable "container_health_command" {
  description = "Container health check command (ECS syntax). Null builds one on health_check_path that needs only bash, which the payara/micro image has (it has neither curl nor wget)."
  type        = list(string)
  default     = null
}

variable "container_health_start_period" {
  description = "Seconds a starting container may fail its health check without counting."
  type        = number
  default     = 120
}

variable "slow_query_seconds" {
  description = "SLOW_QUERY_SECONDS for the app: how long the deliberately slow query sleeps."
  type        = string
  default     = "10"
}

variable "shutdown_grace_seconds" {
  description = "SHUTDOWN_GRACE_SECONDS for the app: how long SIGTERM waits for in-flight requests. ECS sends SIGKILL 5 s after that (the container's stopTimeout), time for Payara's own shutdown."
  type        = number
  default     = 25

  validation {
    condition     = var.shutdown_grace_seconds >= 1 && var.shutdown_grace_seconds <= 115 && floor(var.shutdown_grace_seconds) == var.shutdown_grace_seconds
    error_message = "shutdown_grace_seconds must be a whole number from 1 to 115 (Fargate's stopTimeout is at most 120 s)."
  }
}

variable "extra_environment" {
  description = "More plain environment variables for the container. Never secrets: those belong in Secrets Manager."
  type        = map(string)
  default     = {}

  validation {
    condition     = alltrue([for k in keys(var.extra_environment) : !can(regex("(?i)pass|secret|token|credential|private", k))])
    error_message = "extra_environment must not carry secrets; reference a Secrets Manager secret instead."
  }
}

variable "container_insights" {
  description = "Enable CloudWatch Container Insights on the cluster (extra cost)."
  type        = bool
  default     = false
}

variable "log_retention_days" {
  description = "Retention of the application and database log groups."
  type        = number
  default     = 14
}

# Database (RDS MySQL)

variable "db_name" {
  description = "Database created in RDS (DB_NAME)."
  type        = string
  default     = "app"
}

variable "db_username" {
  description = "Master user name (DB_USER). Its password is generated and kept by RDS in Secrets Manager."
  type        = string
  default     = "admin"
}

variable "db_engine_version" {
  description = "MySQL engine version; a major.minor like 8.0 takes the default minor and allows minor upgrades."
  type        = string
  default     = "8.0"
}

variable "db_instance_class" {
  description = "RDS instance class (db.t3.medium supports Performance Insights)."
  type        = string
  default     = "db.t3.medium"
}

variable "db_allocated_storage" {
  description = "Initial storage in GiB."
  type        = number
  default     = 20
}

variable "db_max_allocated_storage" {
  description = "Storage autoscaling ceiling in GiB."
  type        = number
  default     = 100
}

variable "db_multi_az" {
  description = "Run a standby in a second availability zone."
  type        = bool
  default     = false
}

variable "db_backup_retention_days" {
  description = "Days of automated backups."
  type        = number
  default     = 7
}

variable "db_long_query_time" {
  description = "long_query_time in seconds: statements slower than this go to the slow query log."
  type        = number
  default     = 1
}

variable "deletion_protection" {
  description = "Protect the database from deletion. Set false (and apply) before terraform destroy."
  type        = bool
  default     = true
}

variable "final_snapshot" {
  description = "Take a final snapshot when the database is destroyed."
  type        = bool
  default     = true
}

# Cache (ElastiCache Memcached)

variable "cache_node_type" {
  description = "ElastiCache node type."
  type        = string
  default     = "cache.t3.micro"
}

variable "cache_node_count" {
  description = "Number of memcached nodes; they are spread over the availability zones."
  type        = number
  default     = 2

  validation {
    condition     = var.cache_node_count >= 1 && var.cache_node_count <= 40
    error_message = "cache_node_count must be between 1 and 40."
  }
}

variable "cache_engine_version" {
  description = "Memcached engine version."
  type        = string
  default     = "1.6.22"
}

# Bastion and registry

variable "bastion_instance_type" {
  description = "Instance type of the SSM bastion used for port forwarding to RDS."
  type        = string
  default     = "t3.micro"
}

variable "ecr_keep_images" {
  description = "Number of tagged images the ECR lifecycle policy keeps."
  type        = number
  default     = 20
}

variable "ecr_force_delete" {
  description = "Let terraform destroy delete the ECR repository even when it still holds images."
  type        = bool
  default     = false
}
