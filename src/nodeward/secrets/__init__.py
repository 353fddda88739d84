"""secrets analyzer."""
