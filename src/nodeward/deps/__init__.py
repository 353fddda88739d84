"""deps analyzer."""
