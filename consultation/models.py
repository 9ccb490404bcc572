"""Consultation models live in one module per concern; this file gathers them for Django."""
