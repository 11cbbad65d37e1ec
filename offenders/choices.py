from django.db import models


class AliasKind(models.TextChoices):
    ALIAS = "alias", "Alias"
    NICKNAME = "nickname", "Nickname"
    MAIDEN = "maiden", "Maiden name"
    LEGAL_CHANGE = "legal_change", "Former legal name"


class AddressKind(models.TextChoices):
    RESIDENCE = "residence", "Residence"
    MAILING = "mailing", "Mailing"
    SHELTER = "shelter", "Shelter / transitional housing"


class RiskInstrument(models.TextChoices):
    ORAS = "oras", "ORAS"
    LSI_R = "lsi_r", "LSI-R"
    COMPAS = "compas", "COMPAS"
    STATIC_99R = "static_99r", "Static-99R"
    OTHER = "other", "Other"


class RiskLevel(models.TextChoices):
    LOW = "low", "Low"
    MODERATE = "moderate", "Moderate"
    HIGH = "high", "High"
    VERY_HIGH = "very_high", "Very high"


class AddressVerification(models.TextChoices):
    HOME_VISIT = "home_visit", "Home visit"
    DOCUMENT = "document", "Document (lease, utility bill, letter)"
    PHONE = "phone", "Phone call"


class PhoneKind(models.TextChoices):
    MOBILE = "mobile", "Mobile"
    HOME = "home", "Home"
    WORK = "work", "Work"
