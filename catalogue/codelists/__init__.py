"""Code lists: find the drugs, diagnoses and acts that target a study population, keep them
as versioned lists, export them, and count the matching persons on an OMOP output."""
