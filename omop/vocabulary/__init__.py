"""OMOP vocabularies in the portal: Athena bundles loaded into the portal's database (and as
Parquet for the engines), curated SOURCE_TO_CONCEPT_MAPs, and the review of unmapped codes.

The file checks and the Parquet copy are plain code (``omop.etl.athena``); this package
stores, versions, audits and shows them.
"""
