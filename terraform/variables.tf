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
  description = "TLS policy of the HTTPS listener: one of the TLS 1.3 policies (TLS 1.2 at least, no CBC or SHA-1 suites)."
  type        = string
  default     = "ELBSecurityPolicy-TLS13-1-2-2021-06"

  validation {
    condition     = startswith(var.ssl_policy, "ELBSecurityPolicy-TLS13-")
    error_message = "ssl_policy must be an ELBSecurityPolicy-TLS13-* policy; older ones (e.g. ELBSecurityPolicy-2016-08) accept TLS 1.0 and weak ciphers."
  }
}

variable "admin_cidrs" {
  description = "IPv4 CIDR blocks from which everything behind the load balancer may be used: PUT /customers/{id}, DELETE /cache/{id}, /metrics, /openapi, /health/*. Default none: from anywhere else only GET and HEAD of /, /db/* and /cache/* reach the app, the rest gets 403."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for c in var.admin_cidrs : can(cidrhost(c, 0)) && !strcontains(c, ":")])
    error_message = "admin_cidrs must be IPv4 CIDR blocks, e.g. 203.0.113.10/32."
  }
  validation {
    condition     = !anytrue([for c in var.admin_cidrs : endswith(c, "/0")])
    error_message = "admin_cidrs must not contain /0: that would open writes, evictions and /metrics to everyone."
  }
  validation {
    condition     = length(var.admin_cidrs) <= 30
    error_message = "At most 30 admin CIDR blocks (a listener rule takes 3; 10 rules)."
  }
}

variable "health_check_path" {
  description = "Readiness path the target group checks: this instance can serve (deployed, warmed up, not draining). A database or memcached outage does not fail it."
  type        = string
  default     = "/health/ready"
}

variable "liveness_check_path" {
  description = "Liveness path the container health check probes: the process works. ECS replaces a task that fails it."
  type        = string
  default     = "/health/live"
}

# Web application firewall

variable "waf_enabled" {
  description = "Put a WAF web ACL in front of the load balancer: per-address rate limits and a block of path traversal (about $8 a month plus $0.60 per million requests)."
  type        = bool
  default     = true
}

variable "waf_rate_limit" {
  description = "Requests one client address may send in 5 minutes; beyond that WAF answers 429 until its rate falls. Raise it (or set waf_enabled = false) for load tests from one address."
  type        = number
  default     = 3000

  validation {
    condition     = var.waf_rate_limit >= 10 && var.waf_rate_limit <= 2000000000
    error_message = "waf_rate_limit must be between 10 and 2,000,000,000 (WAF's bounds)."
  }
}

variable "waf_db_rate_limit" {
  description = "Requests to /db/* one client address may send in 5 minutes: each holds an HTTP thread and a database connection for SLOW_QUERY_SECONDS."
  type        = number
  default     = 100

  validation {
    condition     = var.waf_db_rate_limit >= 10 && var.waf_db_rate_limit <= 2000000000
    error_message = "waf_db_rate_limit must be between 10 and 2,000,000,000 (WAF's bounds)."
  }
}

# Application (ECS)

variable "image_tag" {
  description = "Tag of the image to run: the git commit it was built from (bin/deploy passes it). No default, so that no apply ever goes back to some older image by accident: for a change of the infrastructure alone, pass the running one, terraform output -raw image_tag."
  type        = string

  validation {
    condition     = can(regex("^[0-9a-f]{7,40}$", var.image_tag))
    error_message = "image_tag must be a git commit id (7 to 40 lower-case hex digits); tags are immutable, so 'latest' cannot name a build."
  }
}

variable "container_port" {
  description = "HTTP port of Payara Micro in the container (passed to the app as PORT)."
  type        = number
  default     = 8080
}

variable "task_cpu" {
  description = "Fargate task CPU units. 512 by measurement (docs/benchmarks.md, bin/fargate, 2026-12-03): the smallest size that is ready within 30 s and at full speed from the first second for a warm hit (C1 only): ready in 28 s, about 3,100-3,300 hits/s at p99 52 ms, 0.81x the Go original (2026-12-03, the JVM bound to one CPU). 256 needs 53 s to become ready. 1024 serves about 12,000 hits/s (p99 3.3 ms, 1.05x the Go original): nearly 4x the hits for 2x the price, but reaches full speed only about 25 s after ready (C2 compiling); take it for heavy traffic."
  type        = number
  default     = 512
}

variable "task_memory" {
  description = "Fargate task memory in MiB: 1024 is the smallest Fargate allows with 512 CPU units (peak anonymous memory measured: 271 MiB at 0.5 vCPU, 284 MiB at 0.25, about 320 MiB at 1 vCPU, with a 256 MiB heap); the Java heap is half of it (HEAP)."
  type        = number
  default     = 1024
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
  description = "Target ALB requests per task per minute for auto scaling. 75,000 (1,250/s) is about 40 % of what one 0.5 vCPU task served warm in bin/fargate (about 3,100-3,300 hits/s at 8 connections, 2026-12-03, the JVM bound to one CPU); scale it with the task size (1 vCPU: about 12,000/s, so 290,000)."
  type        = number
  default     = 75000
}

variable "health_check_grace_period_seconds" {
  description = "Seconds the service ignores failing load balancer checks after a task starts: twice the start to ready measured at 0.5 vCPU (28-29 s; 23-26 s at 1 vCPU, 53 s at 0.25: raise it for that)."
  type        = number
  default     = 60
}

variable "container_health_command" {
  description = "Container health check command (ECS syntax). Null builds one on liveness_check_path that needs only bash, which the payara/micro image has (it has neither curl nor wget)."
  type        = list(string)
  default     = null
}

variable "container_health_start_period" {
  description = "Seconds a starting container may fail its health check without counting (see health_check_grace_period_seconds)."
  type        = number
  default     = 60
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
  description = "Retention of the application and database log groups, in days (one of the values CloudWatch Logs accepts; never 0, which keeps logs forever)."
  type        = number
  default     = 14

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be one of CloudWatch Logs' retention periods (1, 3, 5, 7, 14, 30, ... 3653 days); 0 would keep logs forever."
  }
}

# Database (RDS MySQL)

variable "db_name" {
  description = "Database created in RDS (DB_NAME)."
  type        = string
  default     = "app"
}

variable "db_username" {
  description = "Master user name. Its password is generated, kept and rotated by RDS in Secrets Manager; only the migration task uses it (DB_MIGRATION_USER), never the app."
  type        = string
  default     = "admin"
}

variable "db_app_slot" {
  description = "Which of the two alternating app users (app_a, app_b) the tasks use. bin/deploy picks the one the running tasks do not use, gives it a new password (db_app_password) and migrates before the tasks roll, so running tasks keep a working login until they are replaced."
  type        = string
  default     = "a"

  validation {
    condition     = contains(["a", "b"], var.db_app_slot)
    error_message = "db_app_slot must be a or b."
  }
}

variable "db_app_password" {
  description = "Password of the app user of db_app_slot, written to its secret only when that slot's secret version is created, i.e. when db_app_slot changes (write-only: never in state, plan or output); any other apply ignores it. bin/deploy generates a new one with aws secretsmanager get-random-password and passes it as TF_VAR_db_app_password."
  type        = string
  sensitive   = true
  ephemeral   = true

  validation {
    condition     = length(var.db_app_password) >= 20
    error_message = "db_app_password must be at least 20 characters."
  }
}

variable "demo_data" {
  description = "The migration loads the demo rows (DB_DEMO_DATA: row 1 and ids 2-10000 that bin/load and jmeter/ read). Set false for a database with real data."
  type        = bool
  default     = true
}

variable "db_engine_version" {
  description = "MySQL engine version: 8.4 is the LTS release in RDS standard support (8.0's ended 2026-07-31). A major.minor takes the default minor and allows minor upgrades."
  type        = string
  default     = "8.4"

  validation {
    condition     = startswith(var.db_engine_version, "8.4")
    error_message = "db_engine_version must be 8.4.x: the parameter group's family is mysql8.4."
  }
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
  description = "Days of automated backups (point-in-time recovery); at least 1, 0 would switch backups off."
  type        = number
  default     = 7

  validation {
    condition     = var.db_backup_retention_days >= 1 && var.db_backup_retention_days <= 35
    error_message = "db_backup_retention_days must be between 1 and 35: 0 switches automated backups and point-in-time recovery off."
  }
}

# Windows in UTC; the defaults lie in the Japanese night (JST = UTC+9) and do not overlap.

variable "db_backup_window" {
  description = "Daily automated backup window of RDS, UTC (default 02:00-02:30 JST)."
  type        = string
  default     = "17:00-17:30"

  validation {
    condition     = can(regex("^([01][0-9]|2[0-3]):[0-5][0-9]-([01][0-9]|2[0-3]):[0-5][0-9]$", var.db_backup_window))
    error_message = "db_backup_window must look like hh:mm-hh:mm (UTC)."
  }
}

variable "db_maintenance_window" {
  description = "Weekly maintenance window of RDS, UTC (default Sunday 03:00-03:30 JST)."
  type        = string
  default     = "sat:18:00-sat:18:30"

  validation {
    condition     = can(regex("^(mon|tue|wed|thu|fri|sat|sun):([01][0-9]|2[0-3]):[0-5][0-9]-(mon|tue|wed|thu|fri|sat|sun):([01][0-9]|2[0-3]):[0-5][0-9]$", var.db_maintenance_window))
    error_message = "db_maintenance_window must look like ddd:hh:mm-ddd:hh:mm (UTC)."
  }
}

variable "cache_maintenance_window" {
  description = "Weekly maintenance window of ElastiCache, UTC (default Sunday 04:00-05:00 JST, after the database's)."
  type        = string
  default     = "sat:19:00-sat:20:00"

  validation {
    condition     = can(regex("^(mon|tue|wed|thu|fri|sat|sun):([01][0-9]|2[0-3]):[0-5][0-9]-(mon|tue|wed|thu|fri|sat|sun):([01][0-9]|2[0-3]):[0-5][0-9]$", var.cache_maintenance_window))
    error_message = "cache_maintenance_window must look like ddd:hh:mm-ddd:hh:mm (UTC)."
  }
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

variable "bastion_enabled" {
  description = "Break-glass access to RDS: an SSM bastion for port forwarding. Off by default: migrations run as an ECS task (bin/deploy), nothing needs a person at the database."
  type        = bool
  default     = false
}

variable "bastion_instance_type" {
  description = "Instance type of the SSM bastion used for port forwarding to RDS. Null: t4g.micro with ARM64, t3.micro with X86_64 (its AMI follows cpu_architecture, so must its type)."
  type        = string
  default     = null

  validation {
    condition     = var.bastion_instance_type == null || can(regex("^([a-z]+[0-9]+g[a-z0-9-]*|a1)\\.", var.bastion_instance_type)) == (var.cpu_architecture == "ARM64")
    error_message = "bastion_instance_type must match cpu_architecture: a Graviton type (t4g, m7g, ...) with ARM64, an x86 type with X86_64 (the AMI follows cpu_architecture)."
  }
}

variable "ecr_keep_images" {
  description = "Number of images the ECR lifecycle policy keeps, newest first; older ones expire. The previous builds stay available for a rollback."
  type        = number
  default     = 20

  validation {
    condition     = var.ecr_keep_images >= 3
    error_message = "ecr_keep_images must be at least 3: the running image, the one before it (rollback) and the one being deployed."
  }
}

variable "ecr_force_delete" {
  description = "Let terraform destroy delete the ECR repository even when it still holds images."
  type        = bool
  default     = false
}

# Alarms and dashboard

variable "alarm_email" {
  description = "E-mail address subscribed to the alarm topic (AWS sends a confirmation mail first). Null: subscribe whatever you like to the alarm_topic_arn output."
  type        = string
  default     = null

  validation {
    condition     = var.alarm_email == null || can(regex("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$", var.alarm_email))
    error_message = "alarm_email must be an e-mail address."
  }
}

variable "alarm_thresholds" {
  description = "Thresholds of the alarms (see terraform/README.md for what each means and what to do); any left out keeps its default."
  type = object({
    target_5xx_per_minute     = optional(number, 10)
    elb_5xx_per_minute        = optional(number, 10)
    target_p99_seconds        = optional(number) # null: slow_query_seconds + 2 (/db takes that by design)
    cache_p99_milliseconds    = optional(number, 1000)
    bypass_percent            = optional(number, 5)
    db_cpu_percent            = optional(number, 80)
    db_connections            = optional(number, 200)
    db_free_storage_gib       = optional(number, 2)
    cache_cpu_percent         = optional(number, 80)
    cache_evictions_per_5_min = optional(number, 100)
  })
  default = {}
}
