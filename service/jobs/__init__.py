"""Batch jobs: reading a job's handle list, and the worker pool that scores jobs and survives restarts."""
