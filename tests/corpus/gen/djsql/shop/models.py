from django.db import models


class Product(models.Model):
    sku = models.CharField(max_length=32, unique=True)
    name = models.CharField(max_length=100)
    price_cents = models.IntegerField()


class Order(models.Model):
    user_id = models.IntegerField()
    reference = models.CharField(max_length=40)
    status = models.CharField(max_length=20, default="new")
    total_cents = models.IntegerField()
    created_at = models.DateTimeField(auto_now_add=True)
