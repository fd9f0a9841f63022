"""The classroom in the terminal (and, through textual-serve, in the browser): a student's game played
against the class's world, and the teacher's console."""
