from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION applications_auditentry_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'applications_auditentry is append-only (% refused)', TG_OP;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER applications_auditentry_no_update_delete
    BEFORE UPDATE OR DELETE ON applications_auditentry
    FOR EACH ROW EXECUTE FUNCTION applications_auditentry_append_only();
"""
DROP = """
DROP TRIGGER IF EXISTS applications_auditentry_no_update_delete ON applications_auditentry;
DROP FUNCTION IF EXISTS applications_auditentry_append_only();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("applications", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
