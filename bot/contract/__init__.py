"""The contract between the layers: requests and answers (frozen types), sync summaries and the
errors users see. Nothing here imports anything else of the project.
"""
