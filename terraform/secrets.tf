# The app's database credentials, apart from the master's. Two app users alternate (app_a, app_b):
# a deployment (bin/deploy) gives the user the running tasks do NOT use a new password, the
# migration task sets it in MySQL, and the new tasks start with it; the old tasks keep their
# unchanged login until ECS has replaced them. Rotation is a deployment: no window in which a
# running task holds a password that no longer works.
#
# The password is write-only: it reaches the secret through secret_string_wo from the ephemeral
# var.db_app_password, and neither the state nor a plan nor an output ever holds it.

resource "aws_secretsmanager_secret" "app" {
  for_each = toset(["a", "b"])

  name_prefix = "${local.name}-db-app-${each.key}-"
  description = "Password of the app's database user app_${each.key} (written by bin/deploy, read by the app and migration tasks)"

  tags = { Name = "${local.name}-db-app-${each.key}" }
}

# Only the slot being deployed has a version here. Switching slots removes the other's from the
# state; AWS keeps that version current (a version labelled AWSCURRENT is not deleted), so the
# tasks still running with it keep reading the same password.
resource "aws_secretsmanager_secret_version" "app" {
  for_each = toset([var.db_app_slot])

  secret_id                = aws_secretsmanager_secret.app[each.key].id
  secret_string_wo         = var.db_app_password
  secret_string_wo_version = 1
}
