import subprocess

import pytest

from applications.models import State
from contracts.models import ContractDocument
from contracts.preparation import prepare_signed_contract
from tests.factories import ApplicationFactory


@pytest.mark.django_db(transaction=True)
def test_signing_renders_a_korean_pdf(staff, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    application = ApplicationFactory(state=State.CONTRACT)
    contract = prepare_signed_contract(application=application, staff=staff)
    doc = ContractDocument.objects.get(contract=contract)
    assert doc.version == 1 and doc.is_ready
    out = subprocess.run(["pdftotext", doc.file.path, "-"], capture_output=True, check=True)
    text = out.stdout.decode()
    print(text)
    assert application.institution.name in text
