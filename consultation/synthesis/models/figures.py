"""What a consultation's synthesis figures were counted from: a token that every writer of
its codes and stances changes in its own transaction (consultation.synthesis.figures), so
the dashboard can keep the counts it made until one of them changes."""

from django.db import models


class FiguresVersion(models.Model):
    """One row per consultation whose codes or stances were ever written. The token is
    random, never a counter: a counter rolled back with its transaction would come round
    again and name other counts."""

    consultation = models.OneToOneField(
        "consultation.Consultation",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="+",
    )
    token = models.BigIntegerField()

    def __str__(self):
        return f"Figures of consultation {self.consultation_id}: {self.token}"
