resource "aws_ecr_repository" "app" {
  name = local.name
  # A tag names one build for good (bin/deploy tags with the git commit): what a task definition
  # revision names is what every later scale-out and rollback pulls.
  image_tag_mutability = "IMMUTABLE"
  force_delete         = var.ecr_force_delete

  image_scanning_configuration {
    scan_on_push = true
  }

  encryption_configuration {
    encryption_type = "AES256"
  }

  tags = { Name = local.name }
}

# One rule, by count only: never expire an image for its age, so the previous builds (the one a
# circuit-breaker rollback returns to) stay as long as they are among the newest.
resource "aws_ecr_lifecycle_policy" "app" {
  repository = aws_ecr_repository.app.name

  policy = jsonencode({
    rules = [{
      rulePriority = 1
      description  = "Keep the newest ${var.ecr_keep_images} images"
      selection = {
        tagStatus   = "any"
        countType   = "imageCountMoreThan"
        countNumber = var.ecr_keep_images
      }
      action = { type = "expire" }
    }]
  })
}
