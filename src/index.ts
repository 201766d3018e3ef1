console.log('action');
