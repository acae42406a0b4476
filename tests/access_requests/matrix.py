from tests.access import LOGIN, Case

MATRIX = [
    Case("/dossiers/", {"anonymous": LOGIN}, name="access_requests:list"),
    Case("/dossiers/repertoire/", {}, name="access_requests:directory"),
]
