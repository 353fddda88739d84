"""analysis analyzer."""
