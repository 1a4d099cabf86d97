urlpatterns: list = []
app_name = "dossiers"
