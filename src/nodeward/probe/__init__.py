"""probe analyzer."""
