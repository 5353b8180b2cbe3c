"""factory_boy factories for Koha rows; related rows stay consistent (a register's library exists)."""
import factory
from factory.django import DjangoModelFactory

from koha.models import AuthorisedValue, CashRegister, DebitType, Library, Patron


class LibraryFactory(DjangoModelFactory):
    class Meta:
        model = Library
        django_get_or_create = ("branchcode",)

    branchcode = factory.Sequence(lambda n: f"L{n:03d}")
    branchname = factory.LazyAttribute(lambda o: f"Library {o.branchcode}")


class PatronFactory(DjangoModelFactory):
    class Meta:
        model = Patron

    cardnumber = factory.Sequence(lambda n: f"2{n:09d}")
    surname = factory.Faker("last_name")
    firstname = factory.Faker("first_name")
    library = factory.SubFactory(LibraryFactory)
    categorycode = "PT"


class DebitTypeFactory(DjangoModelFactory):
    class Meta:
        model = DebitType
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"TYPE{n}")
    description = factory.LazyAttribute(lambda o: f"{o.code.title()} charge")
    can_be_invoiced = True
    can_be_sold = True


class CashRegisterFactory(DjangoModelFactory):
    class Meta:
        model = CashRegister

    name = factory.Sequence(lambda n: f"Till {n}")
    description = factory.LazyAttribute(lambda o: f"{o.name} at the front desk")
    library = factory.SubFactory(LibraryFactory)
    starting_float = "100.000000"


class PaymentTypeFactory(DjangoModelFactory):
    class Meta:
        model = AuthorisedValue
        django_get_or_create = ("category", "authorised_value")

    category = "PAYMENT_TYPE"
    authorised_value = factory.Sequence(lambda n: f"PT{n}")
    lib = factory.LazyAttribute(lambda o: o.authorised_value.title())
