from django.db import migrations

from chinhquyen.core.dbguards import create_guards, drop_guards


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]

    operations = [migrations.RunPython(create_guards, drop_guards)]
